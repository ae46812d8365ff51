package dev.lawfit.spec;

import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.LbfgsSettings;
import dev.lawfit.law.FlopAccounting;
import dev.lawfit.law.FlopConvention;
import dev.lawfit.catalog.LawCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job spec: what to read, how to group, which laws to fit and where to write. Parsed from YAML by
 * {@link JobSpecReader}; every field except {@code input.paths} and {@code output.path} has a default.
 */
public record JobSpec(String name, Input input, Sample sample, Flops flops, List<String> groupBy, List<String> laws,
                      Fit fit, Bootstrap bootstrap, Backtest backtest, Downstream downstream, Temporal temporal, LossToLoss lossToLoss, Output output, Spark spark,
                      List<Prediction> predict, Schedule schedule) {

    /** The spec without a schedule section. */
    public JobSpec(String name, Input input, Sample sample, Flops flops, List<String> groupBy, List<String> laws, Fit fit, Bootstrap bootstrap,
                   Backtest backtest, Downstream downstream, Temporal temporal, LossToLoss lossToLoss, Output output, Spark spark,
                   List<Prediction> predict) {
        this(name, input, sample, flops, groupBy, laws, fit, bootstrap, backtest, downstream, temporal, lossToLoss, output, spark, predict, null);
    }

    /** The spec without {@code predict:} points (each compute budget at 20 tokens per parameter is predicted). */
    public JobSpec(String name, Input input, Sample sample, Flops flops, List<String> groupBy, List<String> laws, Fit fit, Bootstrap bootstrap,
                   Backtest backtest, Downstream downstream, Temporal temporal, LossToLoss lossToLoss, Output output, Spark spark) {
        this(name, input, sample, flops, groupBy, laws, fit, bootstrap, backtest, downstream, temporal, lossToLoss, output, spark, null);
    }

    public static final List<String> DEFAULT_GROUP_BY = List.of("model", "dataset", "tokenizer", "eval_dataset");
    public static final List<String> DEFAULT_LAWS = List.of(dev.lawfit.law.ChinchillaLaw.NAME, dev.lawfit.law.PowerComputeLaw.NAME);

    public JobSpec {
        name = name == null ? "lawfit" : name;
        if (input == null) throw new IllegalArgumentException("input is required (input.paths: [...])");
        if (output == null) throw new IllegalArgumentException("output is required (output.path: ...)");
        groupBy = groupBy == null ? DEFAULT_GROUP_BY : List.copyOf(groupBy);
        laws = laws == null ? DEFAULT_LAWS : List.copyOf(laws);
        if (laws.isEmpty() && temporal == null && lossToLoss == null && schedule == null) {
            throw new IllegalArgumentException("laws must name at least one law (or the spec must have a temporal, schedule or loss_to_loss section); known: " + LawCatalog.names(dev.lawfit.law.Family.COMPUTE));
        }
        for (String law : laws) {
            if (!LawCatalog.names(dev.lawfit.law.Family.COMPUTE).contains(law)) {
                throw new IllegalArgumentException("laws: unknown law '" + law + "'; laws fitted per group are " + LawCatalog.names(dev.lawfit.law.Family.COMPUTE)
                        + " (curve laws come with temporal, loss_line with loss_to_loss, downstream_* with downstream)");
            }
        }
        fit = fit == null ? new Fit(null, null, null, null, null, null, null) : fit;
        bootstrap = bootstrap == null ? new Bootstrap(null, null, null, null, null, null) : bootstrap;
        backtest = backtest == null ? new Backtest(null) : backtest;
        predict = predict == null ? List.of() : List.copyOf(predict);
        java.util.Set<String> targetNames = new java.util.HashSet<>();
        for (int i = 0; i < predict.size(); i++) {
            if (predict.get(i) == null) throw new IllegalArgumentException("predict[" + i + "] is empty; give params and tokens, or flops and tokens_per_param");
            String target = predict.get(i).toTarget("predict[" + i + "]").name();
            if (!targetNames.add(target)) throw new IllegalArgumentException("predict[" + i + "]: the name '" + target + "' is used twice");
        }
        if (fit.minPoints() != null) {
            for (String law : fit.minPoints().keySet()) {
                if (!laws.contains(law)) throw new IllegalArgumentException("fit.min_points." + law + ": " + law + " is not in laws " + laws);
            }
        }
        flops = flops == null ? new Flops(null, null) : flops;
        if (downstream != null && laws.stream().noneMatch(l -> LawCatalog.byName(l) instanceof dev.lawfit.law.ComputeOptimal)) {
            throw new IllegalArgumentException("downstream reads error at each compute budget off a law that gives the compute-optimal loss: "
                    + "list one of " + LawCatalog.names(dev.lawfit.law.Family.COMPUTE).stream().filter(l -> LawCatalog.byName(l) instanceof dev.lawfit.law.ComputeOptimal).toList()
                    + " in laws");
        }
        if (fit.grid() != null) {
            for (String law : fit.grid().keySet()) {
                if (!laws.contains(law)) {
                    throw new IllegalArgumentException("fit.grid." + law + ": " + law + " is not in laws " + laws + ", so this grid would never be used");
                }
            }
        }
        if (downstream != null && !groupBy.contains("eval_dataset")) {
            throw new IllegalArgumentException("downstream pairs eval datasets, so group_by must include eval_dataset");
        }
        flops.toAccounting();
        spark = spark == null ? new Spark(null, null) : spark;
    }

    /** The settings the catalog builds this spec's laws with (the curve forms' warm-up, the loss line's E route and targets). */
    public LawCatalog.Options lawOptions() {
        double warmup = temporal == null ? 0 : temporal.toSettings().warmupFraction();
        if (lossToLoss == null) return new LawCatalog.Options(warmup, LawCatalog.Options.DEFAULT.irreducible());
        return new LawCatalog.Options(warmup, lossToLoss.irreducible(), lossToLoss.robust(), lossToLoss.predictX());
    }

    /**
     * Where rows come from. {@code unpivot} turns wide rows (a loss column per eval dataset, eval name to
     * column) into one row per eval dataset; {@code columns} maps a contract column to a source column; {@code derive}
     * adds columns from Spark SQL expressions, in order; {@code filter} keeps rows where the predicate is true.
     */
    public record Input(List<String> paths, String format, Map<String, String> options,
                       Map<String, String> columns, LinkedHashMap<String, String> derive, String filter,
                       LinkedHashMap<String, String> unpivot) {
        public Input {
            if (paths == null || paths.isEmpty()) throw new IllegalArgumentException("input.paths needs at least one path");
            paths = List.copyOf(paths);
            format = format == null ? "parquet" : format.toLowerCase(java.util.Locale.ROOT);
            if (!format.equals("parquet") && !format.equals("csv")) {
                throw new IllegalArgumentException("input.format must be parquet or csv, got '" + format + "'");
            }
            options = options == null ? Map.of() : Map.copyOf(options);
            columns = columns == null ? Map.of() : Map.copyOf(columns);
            derive = derive == null ? new LinkedHashMap<>() : new LinkedHashMap<>(derive);
            unpivot = unpivot == null ? new LinkedHashMap<>() : new LinkedHashMap<>(unpivot);
            for (String name : derive.keySet()) {
                if (dev.lawfit.spec.CheckpointContract.reserved(name)) {
                    throw new IllegalArgumentException("input.derive." + name + ": lawfit sets the column " + name + " itself; derive another name");
                }
            }
            for (String name : columns.keySet()) {
                if (dev.lawfit.spec.CheckpointContract.reserved(name)) {
                    throw new IllegalArgumentException("input.columns." + name + ": lawfit sets the column " + name + " itself; map to another name");
                }
            }
        }
    }

    /** A synthetic archive written to the first input path when that path does not exist yet. */
    public record Sample(String preset, Long seed, Integer badRows, List<String> downstreamTasks) {
        /** The sample archives lawfit can write: the linear-complexity sweep, and one per family that needs data of its own. */
        public static final List<String> PRESETS = List.of("linear_complexity", dev.lawfit.law.Family.TEMPORAL.label(),
                dev.lawfit.law.Family.LOSS_TO_LOSS.label(), "schedules");

        public Sample {
            downstreamTasks = downstreamTasks == null ? List.of() : List.copyOf(downstreamTasks);
            preset = preset == null ? "linear_complexity" : preset;
            if (!PRESETS.contains(preset)) {
                throw new IllegalArgumentException("sample.preset must be linear_complexity, temporal, loss_to_loss or schedules, got '" + preset + "'");
            }
            seed = seed == null ? 42L : seed;
            badRows = badRows == null ? 0 : badRows;
        }
    }

    /** Fitting settings; {@code grid} overrides starting-grid axes per law, e.g. {chinchilla: {alpha: [0, 0.5]}}. */
    public record Fit(Double huberDelta, Integer polishStarts, Integer maxIterations, Double tolerance,
                      Map<String, Map<String, List<Double>>> grid, List<Double> computeBudgets, Map<String, Integer> minPoints) {

        public Fit(Double huberDelta, Integer polishStarts, Integer maxIterations, Double tolerance,
                   Map<String, Map<String, List<Double>>> grid, List<Double> computeBudgets) {
            this(huberDelta, polishStarts, maxIterations, tolerance, grid, computeBudgets, null);
        }

        FitSettings toSettings() {
            FitSettings d = FitSettings.DEFAULT;
            LbfgsSettings lbfgs = new LbfgsSettings(maxIterations == null ? d.lbfgs().maxIterations() : maxIterations,
                    d.lbfgs().memory(), tolerance == null ? d.lbfgs().tolerance() : tolerance, d.lbfgs().maxLineSearchSteps());
            Map<String, Map<String, double[]>> overrides = new LinkedHashMap<>();
            if (grid != null) {
                grid.forEach((law, axes) -> {
                    LawCatalog.byName(law);
                    Map<String, double[]> converted = new LinkedHashMap<>();
                    axes.forEach((axis, values) -> converted.put(axis, values.stream().mapToDouble(Double::doubleValue).toArray()));
                    overrides.put(law, converted);
                });
            }
            double[] budgets = computeBudgets == null ? d.computeBudgets() : computeBudgets.stream().mapToDouble(Double::doubleValue).toArray();
            FitSettings settings = new FitSettings(huberDelta == null ? d.huberDelta() : huberDelta,
                    polishStarts == null ? d.polishStarts() : polishStarts, lbfgs, overrides, budgets, d.bootstrap(),
                    d.backtestHoldOutSizes());
            overrides.forEach((law, axes) -> settings.gridFor(LawCatalog.byName(law)));
            return minPoints == null ? settings : settings.withMinPoints(minPoints);
        }
    }

    /**
     * How training compute is counted: {@code input} (the flops column, 6ND where missing; the default),
     * {@code 6nd}, or {@code architecture} with {@code architectures} mapping model values to FLOP
     * conventions (softmax_attention, tnl, hgrn2, cosformer2, 6nd).
     */
    public record Flops(String convention, Map<String, String> architectures) {
        public FlopAccounting toAccounting() {
            Map<String, FlopConvention> families = new LinkedHashMap<>();
            if (architectures != null) architectures.forEach((model, family) -> families.put(model, FlopConvention.byLabel(family)));
            return new FlopAccounting(convention == null ? "input" : convention, families);
        }
    }

    /**
     * Laws from loss to downstream error: rows whose {@code eval_dataset} is a task carry an error value in
     * {@code error_column}; each is paired with the {@code reference_eval} loss of the same run and checkpoint.
     */
    public record Downstream(String referenceEval, String errorColumn, List<String> laws) {
        public Downstream {
            if (referenceEval == null || referenceEval.isBlank()) throw new IllegalArgumentException("downstream.reference_eval is required");
            errorColumn = errorColumn == null ? "error" : errorColumn;
            laws = laws == null ? List.of("exponential", "sigmoid") : List.copyOf(laws);
            laws.forEach(dev.lawfit.downstream.DownstreamForm::byLabel);
        }
    }

    /**
     * The temporal scaling law, fitted per run (group keys + run_id) on the checkpoints up to each of
     * {@code fit_fractions} of the run's planned tokens: the {@code total_tokens} column, or {@code total_tokens}
     * here for rows without one. {@code forms} picks each trajectory's curve (a0, a1, a2) and the reduced
     * law's ({@code average}, for runs without position_losses); {@code baselines} are fitted to the same
     * early checkpoints.
     */
    public record Temporal(List<Double> fitFractions, Double totalTokens, Map<String, String> forms, Double warmupFraction,
                           Double skipFraction, List<String> baselines, Double huberDelta, Integer minFitCheckpoints,
                           Boolean jointRefinement) {
        public Temporal {
            if (totalTokens != null && !(totalTokens > 0)) throw new IllegalArgumentException("temporal.total_tokens must be > 0");
            if (forms != null) {
                for (String key : forms.keySet()) {
                    if (!List.of("a0", "a1", "a2", "average").contains(key)) {
                        throw new IllegalArgumentException("temporal.forms has unknown key '" + key + "'; known: a0, a1, a2, average");
                    }
                }
            }
            // the ranges are checked by toSettings(), which JobSpecReader calls: inside this compact constructor the
            // fields are not assigned yet, so a call here would check the defaults (it did, and let 1.5 through)
        }

        private static dev.lawfit.temporal.TrajectoryForm form(String key, String label) {
            try {
                return dev.lawfit.temporal.TrajectoryForm.byLabel(label);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }

        public dev.lawfit.temporal.TemporalSettings toSettings() {
            dev.lawfit.temporal.TemporalSettings d = dev.lawfit.temporal.TemporalSettings.DEFAULT;
            Map<String, String> f = forms == null ? Map.of() : forms;
            java.util.function.BiFunction<String, dev.lawfit.temporal.TrajectoryForm, dev.lawfit.temporal.TrajectoryForm> form =
                    (key, fallback) -> f.containsKey(key) ? form("temporal.forms." + key, f.get(key)) : fallback;
            return new dev.lawfit.temporal.TemporalSettings(fitFractions == null ? d.fitFractions() : fitFractions,
                    form.apply("a0", d.a0Form()), form.apply("a1", d.a1Form()), form.apply("a2", d.a2Form()),
                    form.apply("average", d.averageForm()), warmupFraction == null ? d.warmupFraction() : warmupFraction,
                    skipFraction == null ? d.skipFraction() : skipFraction,
                    baselines == null ? d.baselines() : baselines.stream().map(b -> form("temporal.baselines", b)).toList(),
                    huberDelta == null ? d.huberDelta() : huberDelta, minFitCheckpoints == null ? d.minFitCheckpoints() : minFitCheckpoints,
                    jointRefinement == null ? d.jointRefinement() : jointRefinement);
        }
    }

    /**
     * Loss-to-loss lines L_y = K (L_x - E_x)^kappa + E_y between eval datasets, pairing rows of the same run
     * and checkpoint: {@code pairs} lists (x, y), or {@code all_pairs} takes every pair of eval datasets found.
     * Lines are fitted per {@code group_by} (default: the job's group_by without eval_dataset); {@code factors}
     * are tested for moving the line; {@code irreducible} says where E_x, E_y come from.
     */
    public record LossToLoss(List<Pair> pairs, Boolean allPairs, List<String> groupBy, List<String> factors, String irreducible,
                             List<String> holdFixed, Double toleranceNats, Integer minLevelPoints, Boolean robust, List<Double> predictX,
                             Integer sizeBins) {

        public LossToLoss(List<Pair> pairs, Boolean allPairs, List<String> groupBy, List<String> factors, String irreducible) {
            this(pairs, allPairs, groupBy, factors, irreducible, null, null, null, null, null, null);
        }

        public LossToLoss(List<Pair> pairs, Boolean allPairs, List<String> groupBy, List<String> factors, String irreducible,
                          List<String> holdFixed, Double toleranceNats, Integer minLevelPoints, Boolean robust, List<Double> predictX) {
            this(pairs, allPairs, groupBy, factors, irreducible, holdFixed, toleranceNats, minLevelPoints, robust, predictX, null);
        }

        public LossToLoss {
            pairs = pairs == null ? List.of() : List.copyOf(pairs);
            allPairs = allPairs != null && allPairs;
            if (pairs.isEmpty() && !allPairs) throw new IllegalArgumentException("loss_to_loss needs pairs: [{x: ..., y: ...}] or all_pairs: true");
            factors = factors == null ? List.of("dataset", "tokenizer", "model", "params") : List.copyOf(factors);
            irreducible = irreducible == null ? dev.lawfit.losstoloss.LossToLossFit.GIVEN : irreducible;
            if (!List.of(dev.lawfit.losstoloss.LossToLossFit.GIVEN, dev.lawfit.losstoloss.LossToLossFit.JOINT).contains(irreducible)) {
                throw new IllegalArgumentException("loss_to_loss.irreducible must be compute_fit or joint, got '" + irreducible + "'");
            }
            if (groupBy != null) {
                groupBy = List.copyOf(groupBy);
                if (groupBy.contains("eval_dataset")) throw new IllegalArgumentException("loss_to_loss.group_by cannot include eval_dataset: lines pair eval datasets");
            }
            holdFixed = holdFixed == null ? List.of() : List.copyOf(holdFixed);
            if (holdFixed.contains("eval_dataset")) throw new IllegalArgumentException("loss_to_loss.hold_fixed cannot include eval_dataset: lines pair eval datasets");
            toleranceNats = toleranceNats == null ? dev.lawfit.losstoloss.LineFactorTest.DEFAULT_TOLERANCE_NATS : toleranceNats;
            minLevelPoints = minLevelPoints == null ? dev.lawfit.losstoloss.LineFactorTest.DEFAULT_MIN_LEVEL_POINTS : minLevelPoints;
            new dev.lawfit.losstoloss.LineFactorTest.Settings(toleranceNats, minLevelPoints, 0, 0.95, 1, false, sizeBins == null ? 0 : sizeBins); // checks all three
            robust = robust != null && robust;
            predictX = predictX == null ? List.of() : List.copyOf(predictX);
            for (Double x : predictX) {
                if (x == null || !(x > 0) || x.isInfinite()) throw new IllegalArgumentException("loss_to_loss.predict_x must be finite losses > 0, got " + x);
            }
        }

        public List<String> groupByOr(List<String> jobGroupBy) {
            return groupBy != null ? groupBy : jobGroupBy.stream().filter(k -> !k.equals("eval_dataset")).toList();
        }

        /** Columns the validator must carry as keys for the loss-to-loss stage. */
        public List<String> keyColumns(List<String> jobGroupBy) {
            java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(groupByOr(jobGroupBy));
            for (String f : factors) if (!f.equals("params")) keys.add(f);
            for (String f : holdFixed) if (!f.equals("params")) keys.add(f);
            for (Pair p : pairs) if (p.across() != null) keys.add(p.across());
            return List.copyOf(keys);
        }

        /** How factor effects are judged, with the bootstrap's resamples (at most 100), level and seed. */
        public dev.lawfit.losstoloss.LineFactorTest.Settings factorSettings(dev.lawfit.fit.BootstrapSettings bootstrap) {
            return new dev.lawfit.losstoloss.LineFactorTest.Settings(toleranceNats, minLevelPoints, bootstrap.resamples(), bootstrap.level(), bootstrap.seed(),
                    robust, sizeBins == null ? 0 : sizeBins);
        }
    }

    /**
     * One loss-to-loss pair: x and y are eval_dataset values. By default the same checkpoint is paired (train-to-test,
     * test-to-test); with {@code across} (a column, e.g. dataset) and its two levels, models trained differently are
     * paired at the same model, size and tokens (Brandfonbrener et al.'s train-to-train: x from the {@code x_level}
     * runs, y from the {@code y_level} runs).
     */
    public record Pair(String x, String y, String across, String xLevel, String yLevel) {
        public Pair(String x, String y) {
            this(x, y, null, null, null);
        }

        public Pair {
            if (across == null && (x == null || y == null || x.equals(y))) {
                throw new IllegalArgumentException("a loss_to_loss pair needs two different eval datasets x and y");
            }
            if (x == null || y == null) throw new IllegalArgumentException("a loss_to_loss pair needs eval datasets x and y");
            if (across != null && (xLevel == null || yLevel == null || xLevel.equals(yLevel))) {
                throw new IllegalArgumentException("a loss_to_loss pair across '" + across + "' needs two different levels x_level and y_level");
            }
            if (across == null && (xLevel != null || yLevel != null)) {
                throw new IllegalArgumentException("a loss_to_loss pair's x_level and y_level need across: <column> (e.g. dataset)");
            }
            if (across != null && List.of("run_id", "tokens", "params", "eval_dataset").contains(across)) {
                throw new IllegalArgumentException("a loss_to_loss pair cannot pair across '" + across + "'; name a column that sets how models were trained, e.g. dataset");
            }
        }

        /** {@code checkpoint}, or {@code across_<column>}. */
        public String pairing() {
            return across == null ? "checkpoint" : "across_" + across;
        }
    }

    /** Bootstrap confidence intervals; {@code resamples: 0} turns them off. */
    public record Bootstrap(Integer resamples, Double level, String mode, Boolean fromGrid, Long seed, Integer chunkSize, Integer keep) {
        public Bootstrap(Integer resamples, Double level, String mode, Boolean fromGrid, Long seed, Integer chunkSize) {
            this(resamples, level, mode, fromGrid, seed, chunkSize, null);
        }

        BootstrapSettings toSettings() {
            BootstrapSettings d = BootstrapSettings.DEFAULT;
            return new BootstrapSettings(resamples == null ? d.resamples() : resamples, level == null ? d.level() : level,
                    mode == null ? d.mode() : mode, fromGrid == null ? d.fromGrid() : fromGrid, seed == null ? d.seed() : seed,
                    chunkSize == null ? d.chunkSize() : chunkSize, keep == null ? d.keep() : keep);
        }
    }

    /**
     * Held-out extrapolation: how many of the largest model sizes to hold out (0 turns it off) for the laws held
     * out by size, and up to which fraction of a run the curve laws are fitted before predicting the rest.
     */
    public record Backtest(Integer holdOutSizes, Double fitFraction, String holdOut) {
        public Backtest(Integer holdOutSizes) {
            this(holdOutSizes, null, null);
        }

        public Backtest(Integer holdOutSizes, Double fitFraction) {
            this(holdOutSizes, fitFraction, null);
        }

        /** How the (N, D, C) laws' points are split: largest_sizes (default), most_overtrained or highest_compute. */
        dev.lawfit.law.Law.HoldOut split() {
            return holdOut == null ? dev.lawfit.law.Law.HoldOut.LARGEST_SIZES : dev.lawfit.law.Law.HoldOut.byLabel(holdOut);
        }

        public Backtest {
            if (holdOutSizes != null && holdOutSizes < 0) throw new IllegalArgumentException("backtest.hold_out_sizes must be >= 0, got " + holdOutSizes);
            if (holdOut != null) dev.lawfit.law.Law.HoldOut.byLabel(holdOut);
            if (fitFraction != null && !(fitFraction > 0 && fitFraction < 1)) {
                throw new IllegalArgumentException("backtest.fit_fraction must be in (0, 1), got " + fitFraction);
            }
        }

        int sizesHeldOut() {
            return holdOutSizes == null ? FitSettings.DEFAULT.backtestHoldOutSizes() : holdOutSizes;
        }

        double fraction() {
            return fitFraction == null ? FitSettings.DEFAULT_FIT_FRACTION : fitFraction;
        }
    }

    /** Everything that decides how laws are fitted and checked, from the fit, bootstrap and backtest sections. */
    public FitSettings toSettings() {
        return fit.toSettings().withBootstrap(bootstrap.toSettings()).withBacktestHoldOutSizes(backtest.sizesHeldOut())
                .withBacktestFitFraction(backtest.fraction()).withBacktestSplit(backtest.split())
                .withTargets(java.util.stream.IntStream.range(0, predict.size()).mapToObj(i -> predict.get(i).toTarget("predict[" + i + "]")).toList());
    }

    /** This spec writing to another output path. */
    public JobSpec withOutputPath(String path) {
        return new JobSpec(name, input, sample, flops, groupBy, laws, fit, bootstrap, backtest, downstream, temporal, lossToLoss, new Output(path, output.keepVersions(), output.catalog()), spark, predict, schedule);
    }

    /** This spec with another bootstrap section. */
    public JobSpec withBootstrap(Bootstrap value) {
        return new JobSpec(name, input, sample, flops, groupBy, laws, fit, value, backtest, downstream, temporal, lossToLoss, output, spark, predict, schedule);
    }

    /**
     * A point to predict at (e.g. the run a lab is about to launch): {@code params} and {@code tokens} (flops 6ND unless
     * given), or {@code flops} and {@code tokens_per_param}; optionally {@code unique_tokens} (for the data-constrained
     * law) and a {@code name} for the forecasts table.
     */
    public record Prediction(String name, Double params, Double tokens, Double flops, Double tokensPerParam, Double uniqueTokens) {
        dev.lawfit.law.Target toTarget(String where) {
            double unique = uniqueTokens == null ? Double.NaN : uniqueTokens;
            try {
                if (params != null || tokens != null) {
                    if (params == null || tokens == null || tokensPerParam != null) {
                        throw new IllegalArgumentException("give params and tokens (flops optional), or flops and tokens_per_param");
                    }
                    return dev.lawfit.law.Target.ofSizeTokens(name, params, tokens, flops, unique);
                }
                if (flops == null || tokensPerParam == null) throw new IllegalArgumentException("give params and tokens, or flops and tokens_per_param");
                return dev.lawfit.law.Target.ofComputeRatio(name, flops, tokensPerParam, unique);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
    }

    /**
     * Where results go, how many earlier versions to keep beside the current one, and optionally a database of
     * the session catalog (e.g. a Hive metastore configured in conf/) where every table is registered.
     */
    /**
     * Schedule-aware laws of the loss over optimiser steps (the Multi-Power Law, the LR-annealing law, a step power
     * baseline), fitted per group jointly over its runs from each checkpoint's {@code step} and {@code lr} (or
     * {@code runs}: a run's whole schedule described); {@code fit_runs} are fitted whole and the other runs
     * predicted, {@code candidates} are schedules to rank before training them.
     */
    public record Schedule(List<String> fitRuns, List<Double> fitFractions, List<String> laws, Integer warmupSteps, String interpolation,
                           Double annealingDecay, Map<String, Shape> runs, Map<String, Shape> candidates) {

        public dev.lawfit.schedule.ScheduleSettings toSettings() {
            List<String> known = LawCatalog.names(dev.lawfit.law.Family.SCHEDULE);
            if (laws != null && laws.isEmpty()) throw new IllegalArgumentException("schedule.laws needs at least one of " + known);
            for (String l : laws == null ? List.<String>of() : laws) {
                if (!known.contains(l)) throw new IllegalArgumentException("schedule.laws has unknown law '" + l + "'; known: " + known);
            }
            Map<String, dev.lawfit.schedule.ScheduleShape> r = new LinkedHashMap<>(), c = new LinkedHashMap<>();
            if (runs != null) runs.forEach((k, v) -> r.put(k, v.toShape("schedule.runs." + k)));
            if (candidates != null) candidates.forEach((k, v) -> c.put(k, v.toShape("schedule.candidates." + k)));
            return new dev.lawfit.schedule.ScheduleSettings(fitRuns, fitFractions, laws, warmupSteps == null ? -1 : warmupSteps,
                    interpolation == null ? null : dev.lawfit.schedule.LrSchedule.Interpolation.byLabel(interpolation),
                    annealingDecay == null ? dev.lawfit.schedule.AnnealingLaw.DEFAULT_DECAY : annealingDecay, r, c);
        }
    }

    /** A schedule described by its shape (see {@code dev.lawfit.schedule.ScheduleShape}). */
    public record Shape(String shape, Double peakLr, Integer warmupSteps, Integer totalSteps, Double finalLr, Integer decayStart,
                        String decayShape, List<List<Double>> drops) {
        dev.lawfit.schedule.ScheduleShape toShape(String key) {
            if (shape == null) throw new IllegalArgumentException(key + ".shape is required; one of " + dev.lawfit.schedule.ScheduleShape.SHAPES);
            if (peakLr == null) throw new IllegalArgumentException(key + ".peak_lr is required");
            if (totalSteps == null) throw new IllegalArgumentException(key + ".total_steps is required");
            List<double[]> d = new java.util.ArrayList<>();
            if (drops != null) for (List<Double> x : drops) d.add(x == null ? new double[0] : x.stream().mapToDouble(v -> v == null ? Double.NaN : v).toArray());
            dev.lawfit.schedule.ScheduleShape s = new dev.lawfit.schedule.ScheduleShape(shape, peakLr, warmupSteps == null ? 0 : warmupSteps,
                    totalSteps, finalLr == null ? 0 : finalLr, decayStart == null ? -1 : decayStart, decayShape, d);
            s.check(key);
            return s;
        }
    }

    public record Output(String path, Integer keepVersions, String catalog) {
        public Output(String path, Integer keepVersions) {
            this(path, keepVersions, null);
        }

        public Output {
            if (catalog != null && !catalog.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("output.catalog must be a database name (letters, digits, _), got '" + catalog + "'");
            }
            if (path == null || path.isBlank()) throw new IllegalArgumentException("output.path is required");
            keepVersions = keepVersions == null ? 3 : keepVersions;
            if (keepVersions < 1) throw new IllegalArgumentException("output.keep_versions must be at least 1");
        }
    }

    /** Spark settings for runs that start their own Spark (ignored under spark-submit, which decides). */
    public record Spark(String master, Map<String, String> conf) {
        public Spark {
            master = master == null ? "local[*]" : master;
            conf = conf == null ? Map.of() : Map.copyOf(conf);
        }
    }
}
