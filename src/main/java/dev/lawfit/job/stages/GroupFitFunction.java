package dev.lawfit.job.stages;

import dev.lawfit.job.tables.FitOutputSchema;

import dev.lawfit.fit.Backtest;
import dev.lawfit.frontier.Frontier;
import dev.lawfit.frontier.FrontierAnalysis;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.FitStatus;
import dev.lawfit.fit.GroupFitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.List;

/**
 * The bridge from Spark to the fitting core for one group: the group's collected points become
 * {@link Points}, the core fits every law, and the results become rows. No fitting logic lives here.
 */
public final class GroupFitFunction implements MapFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final int keyCount;
    private final List<Law> laws;
    private final FitSettings settings;
    private final boolean frontier;

    private final org.apache.spark.util.LongAccumulator fitted;

    public GroupFitFunction(int keyCount, List<Law> laws, FitSettings settings, org.apache.spark.util.LongAccumulator fitted) {
        this.fitted = fitted;
        this.keyCount = keyCount;
        this.laws = List.copyOf(laws);
        this.settings = settings;
        this.frontier = laws.stream().allMatch(l -> l.family().equals("compute"));
    }

    @Override
    public Row call(Row group) {
        // Grouped rows are POINT's seven fields plus whether flops were derived by the convention.
        List<Row> pointRows = group.getList(keyCount);
        int derivedFlops = 0;
        for (Row p : pointRows) if (p.getBoolean(7)) derivedFlops++;
        GroupFitter.GroupFit result = new GroupFitter(laws, settings).fit(points(pointRows));
        if (fitted != null) fitted.add(1);

        List<Row> laws = new ArrayList<>();
        List<Row> predictions = new ArrayList<>();
        List<Row> backtest = new ArrayList<>();
        String conventions = group.getString(keyCount + 1);
        for (int l = 0; l < result.fits().size(); l++) {
            LawFit fit = result.fits().get(l);
            String family = this.laws.get(l).family();
            laws.add(lawRow(family, fit, derivedFlops, conventions, result.points()));
            if (fit.ok()) addPredictions(predictions, family, fit, result.points());
            if (fit.backtest() != null && fit.backtest().status() == FitStatus.OK) addBacktest(backtest, family, fit, result.points());
        }
        List<Row> frontier = new ArrayList<>();
        if (this.frontier) {
            for (FrontierAnalysis.Result r : FrontierAnalysis.analyse(result.points(), this.laws, result.fits(), settings.computeBudgets())) {
                frontier.add(frontierRow(r, conventions));
            }
        }
        Object[] values = new Object[keyCount + 5];
        for (int k = 0; k < keyCount; k++) values[k] = group.get(k);
        // Only the bootstrap stage refits from the points: without it, do not carry a copy per group.
        values[keyCount] = seq(settings.bootstrap().enabled() ? pointRows(result.points()) : List.of());
        values[keyCount + 1] = seq(laws);
        values[keyCount + 2] = seq(predictions);
        values[keyCount + 3] = seq(backtest);
        values[keyCount + 4] = seq(frontier);
        return RowFactory.create(values);
    }

    public static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toList();
    }

    /** Points as rows of {@link FitOutputSchema#POINT}, and back: the bootstrap stage refits from these. */
    public static List<Row> pointRows(Points points) {
        List<Row> rows = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            rows.add(RowFactory.create(points.params()[i], points.tokens()[i], points.flops()[i], points.loss()[i],
                    nullIfNaN(points.x()[i]), points.runIds()[i], nullIfNaN(points.steps()[i])));
        }
        return rows;
    }

    public static Points points(List<Row> rows) {
        int n = rows.size();
        double[] params = new double[n], tokens = new double[n], flops = new double[n], loss = new double[n], x = new double[n],
                steps = new double[n];
        String[] runIds = new String[n];
        for (int i = 0; i < n; i++) {
            Row p = rows.get(i);
            params[i] = p.getDouble(0);
            tokens[i] = p.getDouble(1);
            flops[i] = p.getDouble(2);
            loss[i] = p.getDouble(3);
            x[i] = p.isNullAt(4) ? Double.NaN : p.getDouble(4);
            runIds[i] = p.getString(5);
            steps[i] = p.isNullAt(6) ? Double.NaN : p.getDouble(6);
        }
        return Points.of(params, tokens, flops, loss, x, runIds, steps);
    }

    private static Row frontierRow(FrontierAnalysis.Result r, String conventions) {
        Frontier f = r.frontier();
        double pfDay = dev.lawfit.law.FlopConvention.PF_DAY;
        return RowFactory.create(f.approach(), f.ok() ? "ok" : "failed", f.message(), nullIfNaN(f.a()), nullIfNaN(f.kN()),
                nullIfNaN(f.b()), nullIfNaN(f.kD()), nullIfNaN(f.kN() * Math.pow(pfDay, f.a())), nullIfNaN(f.kD() * Math.pow(pfDay, f.b())),
                nullIfNaN(f.kL()), nullIfNaN(f.lossExponent()), f.points(), CollectionConverters.asScala(r.nOpt()),
                CollectionConverters.asScala(r.dOpt()), CollectionConverters.asScala(r.lossOpt()), conventions);
    }

    private static void addBacktest(List<Row> out, String family, LawFit fit, Points points) {
        Backtest.Result b = fit.backtest();
        for (int k = 0; k < b.heldOut().length; k++) {
            int i = b.heldOut()[k];
            out.add(RowFactory.create(family, fit.law(), points.runIds()[i], nullIfNaN(points.steps()[i]), points.params()[i],
                    points.tokens()[i], nullIfNaN(points.x()[i]), points.loss()[i], nullIfNaN(b.predicted()[k]), nullIfNaN(b.are()[k]),
                    b.baseline(), b.baselineAre()[k]));
        }
    }

    /** Root mean square of observed - predicted, in the target's units. */
    private static double rmse(LawFit fit, Points points) {
        if (fit.predicted() == null) return Double.NaN;
        double s = 0;
        for (int i = 0; i < points.size(); i++) s += Math.pow(points.loss()[i] - fit.predicted()[i], 2);
        return Math.sqrt(s / points.size());
    }

    private Row lawRow(String family, LawFit fit, int derivedFlops, String conventions, Points points) {
        Backtest.Result b = fit.backtest();
        return RowFactory.create(family, fit.law(), fit.formula(), fit.status().label(), fit.message(),
                CollectionConverters.asScala(fit.parameters()), CollectionConverters.asScala(fit.derived()),
                fit.nPoints(), nullIfNaN(fit.objective()), nullIfNaN(fit.rmseLog()), nullIfNaN(rmse(fit, points)), nullIfNaN(fit.r2()),
                settings.huberDelta(), fit.gridPoints(), fit.startsPolished(), fit.objectiveEvaluations(), fit.iterations(),
                fit.stopReason(), derivedFlops, conventions, fit.fitMillis(), fit.fingerprint(),
                b == null ? "off" : b.status().label(), b == null ? "" : b.message(), b == null ? null : nullIfNaN(b.threshold()),
                b == null ? 0 : b.heldOut().length, b == null ? null : nullIfNaN(b.meanAre()), b == null ? null : nullIfNaN(b.baselineMeanAre()),
                fit.theta() == null ? null : seq(java.util.Arrays.stream(fit.theta()).boxed().toList()), fit.groupSeed());
    }

    private static void addPredictions(List<Row> out, String family, LawFit fit, Points points) {
        double[] predicted = fit.predicted();
        for (int i = 0; i < points.size(); i++) {
            double observed = points.loss()[i];
            out.add(RowFactory.create(family, fit.law(), points.runIds()[i], nullIfNaN(points.steps()[i]), points.params()[i],
                    points.tokens()[i], points.flops()[i], nullIfNaN(points.x()[i]), observed, nullIfNaN(predicted[i]),
                    nullIfNaN(observed - predicted[i]), nullIfNaN(Math.log(observed) - Math.log(predicted[i]))));
        }
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }
}
