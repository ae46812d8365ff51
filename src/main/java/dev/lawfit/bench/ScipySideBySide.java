package dev.lawfit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.GroupFitter;
import dev.lawfit.fit.HuberLogObjective;
import dev.lawfit.fit.LawFit;
import dev.lawfit.generate.GroupedArchive;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * lawfit's Chinchilla fit side by side with the field's procedure written in scipy (scripts/chinchilla_scipy.py: L-BFGS-B
 * from each of Hoffmann's 4,500 grid points on the Huber loss of log residuals), on the same generated groups, one core
 * each: groups per second of both and the gap between their optima, both scored by the same summed Huber loss. Skipped,
 * with a message, where python3 or scipy is missing.
 */
final class ScipySideBySide {

    private static final FitSettings SETTINGS = FitSettings.DEFAULT.withBacktestHoldOutSizes(0).withBootstrap(BootstrapSettings.OFF);

    private ScipySideBySide() {
    }

    static void run(int groups, Path work, Consumer<BenchmarkCase> emit) throws IOException, InterruptedException {
        Path script = Path.of("scripts", "chinchilla_scipy.py");
        String missing = missing(script);
        if (missing != null) {
            System.err.println("bench: scipy_side_by_side skipped: " + missing);
            emit.accept(new BenchmarkCase().put("case", "scipy_side_by_side").put("skipped", missing));
            return;
        }
        Law law = LawCatalog.byName(dev.lawfit.law.ChinchillaLaw.NAME);
        List<Points> sample = GroupedArchive.byModel(SyntheticArchive.manyGroups(groups, 40, 53));
        GroupFitter fitter = new GroupFitter(List.of(law), SETTINGS);
        for (int i = 0; i < 3; i++) fitter.fitOne(law, sample.get(i % sample.size())); // warm-up, as scipy's imports are not timed
        List<LawFit> fits = new ArrayList<>();
        long started = System.nanoTime();
        for (Points p : sample) fits.add(fitter.fitOne(law, p));
        double lawfitSeconds = (System.nanoTime() - started) / 1e9;

        Path csv = work.resolve("scipy-groups.csv");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("group,params,tokens,loss");
            for (int g = 0; g < sample.size(); g++) {
                Points p = sample.get(g);
                for (int i = 0; i < p.size(); i++) out.println("g" + g + "," + p.params()[i] + "," + p.tokens()[i] + "," + p.loss()[i]);
            }
        }
        System.err.println("bench: scipy_side_by_side: fitting " + groups + " groups with scipy (about 10-20 s a group) ...");
        ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), csv.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        // one core, as lawfit's side is measured: numpy's BLAS threads off
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) builder.environment().put(v, "1");
        Process python = builder.start();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) lines.add(json.readTree(line));
        }
        if (python.waitFor() != 0) throw new IllegalStateException("scripts/chinchilla_scipy.py failed (exit " + python.exitValue() + ")");
        double scipySeconds = lines.get(lines.size() - 1).get("seconds").asDouble();
        double worstGap = Double.NEGATIVE_INFINITY, bestGap = Double.POSITIVE_INFINITY;
        int noWorse = 0;
        for (int g = 0; g < sample.size(); g++) {
            JsonNode row = lines.get(g);
            double[] theta = new double[5];
            for (int k = 0; k < 5; k++) theta[k] = row.get("theta").get(k).asDouble();
            HuberLogObjective objective = new HuberLogObjective(law, sample.get(g), SETTINGS.huberDelta());
            double scipy = objective.summedHuber(theta), ours = objective.summedHuber(fits.get(g).theta());
            double gap = (ours - scipy) / scipy; // negative: lawfit's optimum is lower
            worstGap = Math.max(worstGap, gap);
            bestGap = Math.min(bestGap, gap);
            if (gap <= 1e-9) noWorse++;
        }
        double lawfitRate = groups / lawfitSeconds, scipyRate = groups / scipySeconds;
        emit.accept(new BenchmarkCase().put("case", "scipy_side_by_side").put("law", law.name()).put("groups", groups).put("points_per_group", 40)
                .put("lawfit_groups_per_second_per_core", lawfitRate).put("scipy_groups_per_second_per_core", scipyRate)
                .put("lawfit_x_scipy", lawfitRate / scipyRate).put("scipy_seconds_per_group", scipySeconds / groups)
                .put("lawfit_ms_per_group", 1000 * lawfitSeconds / groups)
                .put("groups_lawfit_objective_no_worse", noWorse)
                .put("relative_objective_gap_max", worstGap).put("relative_objective_gap_min", bestGap));
    }

    /** Why the scipy side cannot run here, or null. */
    private static String missing(Path script) throws InterruptedException {
        if (!Files.isRegularFile(script)) return script + " not found (run scripts/bench from the repository)";
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy, scipy").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "python3 did not answer within 60 s";
            }
            return p.exitValue() == 0 ? null : "python3 cannot import numpy and scipy (" + out.lines().reduce((a, b) -> b).orElse("") + ")";
        } catch (IOException e) {
            return "python3 is not on the PATH";
        }
    }
}
