package dev.lawfit.spec;

import dev.lawfit.LawfitException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wrong enum, range or cross-field value fails when the spec is read (before any Spark or data), naming the
 * key; nothing is silently changed to something else.
 */
class SpecValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bootstrap: {mode: blocks}|bootstrap.mode must be points or runs",
            "bootstrap: {level: 1.5}|bootstrap.level",
            "bootstrap: {resamples: -1}|bootstrap.resamples",
            "bootstrap: {chunk_size: 0}|bootstrap.chunk_size",
            "backtest: {hold_out_sizes: -1}|backtest.hold_out_sizes must be >= 0",
            "backtest: {fit_fraction: 1.5}|backtest.fit_fraction must be in (0, 1)",
            "fit: {huber_delta: 0}|fit.huber_delta must be > 0",
            "fit: {max_iterations: 0}|fit.max_iterations",
            "fit: {compute_budgets: [-1]}|compute budgets must be finite and > 0",
            "laws: [chinchilla]\\nfit: {grid: {kaplan: {alpha: [0.1]}}}|fit.grid.kaplan: kaplan is not in laws",
            "fit: {grid: {chinchilla: {gamma: [0.1]}}}|grid axis 'gamma' is not a coordinate",
            "laws: [chinchilla, bogus]|laws: unknown law 'bogus'",
            "laws: [curve_power]|curve laws come with temporal",
            "laws: [pure_params]\\ndownstream: {reference_eval: val}|list one of [chinchilla, kaplan, overtraining, data_constrained] in laws",
            "downstream: {reference_eval: val, laws: [linear]}|unknown downstream law 'linear'",
            "group_by: [model]\\ndownstream: {reference_eval: val}|group_by must include eval_dataset",
            "temporal: {min_fit_checkpoints: 2}|temporal.min_fit_checkpoints must be at least 3",
            "temporal: {fit_fractions: [1.2]}|temporal.fit_fractions must be in (0, 1)",
            "temporal: {forms: {a0: spline}}|temporal.forms.a0: unknown curve form 'spline'",
            "temporal: {baselines: [spline]}|temporal.baselines: unknown curve form 'spline'",
            "loss_to_loss: {all_pairs: true, irreducible: magic}|loss_to_loss.irreducible must be compute_fit or joint",
            "loss_to_loss: {pairs: [{x: a, y: a}]}|two different eval datasets",
            "input: {paths: [/x], format: orc}|input.format must be parquet or csv",
            "sample: {preset: bogus}|sample.preset must be",
            "output: {path: /o, keep_versions: 0}|output.keep_versions must be at least 1",
            "flops: {convention: guess}|flops.convention",
            "backtest: {hold_out: biggest}|backtest.hold_out must be largest_sizes, most_overtrained or highest_compute, got 'biggest'",
            "backtest: {hold_out: late_progress}|backtest.hold_out must be largest_sizes",
            "laws: [chinchilla]\\nfit: {min_points: {kaplan: 4}}|fit.min_points.kaplan: kaplan is not in laws",
            "fit: {min_points: {chinchilla: 1}}|fit.min_points.chinchilla must be at least 2",
            "predict: [{params: 1.0e9}]|predict[0]: give params and tokens",
            "predict: [{flops: 1.0e22}]|predict[0]: give params and tokens, or flops and tokens_per_param",
            "predict: [{params: 1.0e9, tokens: 2.0e10, tokens_per_param: 20}]|predict[0]: give params and tokens (flops optional)",
            "predict: [{params: -1.0, tokens: 2.0e10}]|predict[0]: a prediction target needs finite positive N, D and C",
            "predict: [{flops: 1.0e22, tokens_per_param: 20, unique_tokens: 0}]|predict[0]: unique_tokens must be a finite positive number",
            "predict: [{name: a, flops: 1.0e22, tokens_per_param: 20}, {name: a, params: 1.0e9, tokens: 2.0e10}]|predict[1]: the name 'a' is used twice",
            "predict: [{param: 1.0e9, tokens: 2.0e10}]|Unrecognized field \"param\"",
            "loss_to_loss: {pairs: [{x: a, y: b}], hold_fixed: [eval_dataset]}|loss_to_loss.hold_fixed cannot include eval_dataset",
            "loss_to_loss: {pairs: [{x: a, y: b}], tolerance_nats: -0.1}|loss_to_loss.tolerance_nats must be >= 0",
            "loss_to_loss: {pairs: [{x: a, y: b}], min_level_points: 3}|loss_to_loss.min_level_points must be at least 5",
            "loss_to_loss: {pairs: [{x: a, y: b}], size_bins: 1}|loss_to_loss.size_bins must be 0 (off) or at least 2, got 1",
            "loss_to_loss: {pairs: [{x: a, y: b}], predict_x: [-1]}|loss_to_loss.predict_x must be finite losses > 0",
            "loss_to_loss: {pairs: [{x: a, y: a, across: dataset, x_level: f}]}|needs two different levels x_level and y_level",
            "loss_to_loss: {pairs: [{x: a, y: b, x_level: f, y_level: g}]}|x_level and y_level need across: <column>",
            "loss_to_loss: {pairs: [{x: a, y: a, across: run_id, x_level: f, y_level: g}]}|cannot pair across 'run_id'",
            "schedule: {laws: [multipower]}|schedule.laws has unknown law 'multipower'",
            "schedule: {fit_fractions: [1.5]}|schedule.fit_fractions must be in (0, 1), got 1.5",
            "schedule: {interpolation: spline}|schedule.interpolation must be linear or step, got 'spline'",
            "schedule: {annealing_decay: 1.0}|schedule.annealing_decay must be in [0, 1)",
            "schedule: {candidates: {a: {shape: triangle, peak_lr: 1.0e-3, total_steps: 100}}}|schedule.candidates.a.shape must be one of",
            "schedule: {candidates: {a: {shape: cosine, total_steps: 100}}}|schedule.candidates.a.peak_lr is required",
            "schedule: {candidates: {a: {shape: wsd, peak_lr: 1.0e-3, total_steps: 100, decay_start: 200}}}|schedule.candidates.a.decay_start must be between",
            "schedule: {runs: {r: {shape: step, peak_lr: 1.0e-3, total_steps: 100}}}|schedule.runs.r.drops needs at least one [step, lr]",
            "schedule: {runs: {r: {shape: cosine, peak_lr: 1.0e-3, total_steps: 100, final_lr: 0.1}}}|schedule.runs.r.final_lr must be in [0, peak_lr]"})
    void aWrongValueFailsAtOnceNamingTheKey(String yaml, String expected) {
        String spec = yaml.replace("\\n", "\n");
        String input = spec.startsWith("input:") ? "" : "input: {paths: [/nowhere]}\n";
        String output = spec.startsWith("output:") ? "" : "output: {path: /nowhere-out}\n";
        String text = input + output + spec;
        LawfitException e = assertThrows(LawfitException.class, () -> JobSpecReader.parse(text, "test.yaml"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("job spec test.yaml"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    /** Every job spec shipped in jobs/ reads and validates (without data or Spark). */
    @org.junit.jupiter.api.Test
    void everyShippedJobSpecReads() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> specs = java.nio.file.Files.list(java.nio.file.Path.of("jobs"))) {
            java.util.List<java.nio.file.Path> files = specs.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(files.size() >= 7, files.toString());
            for (java.nio.file.Path file : files) org.junit.jupiter.api.Assertions.assertNotNull(JobSpecReader.read(file), file.toString());
        }
    }
}
