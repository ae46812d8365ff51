package dev.lawfit.job.stages;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.FitStatus;
import dev.lawfit.fit.GroupFitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.frontier.FrontierAnalysis;
import dev.lawfit.job.tables.BacktestTable;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.FrontierTable;
import dev.lawfit.job.tables.GroupResult;
import dev.lawfit.job.tables.LawsTable;
import dev.lawfit.job.tables.PointsColumn;
import dev.lawfit.job.tables.PredictionsTable;
import dev.lawfit.job.tables.RowBuilder;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The bridge from Spark to the fitting core for one group: the group's collected points become
 * {@link Points}, the core fits every law, and the results become the tables' rows (built by the tables room).
 * No fitting logic lives here.
 */
final class GroupFitFunction implements MapFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final StructType schema;
    private final List<Law> laws;
    private final FitSettings settings;
    private final boolean frontier;
    private final org.apache.spark.util.LongAccumulator fitted;

    GroupFitFunction(List<String> keys, List<Law> laws, FitSettings settings, org.apache.spark.util.LongAccumulator fitted) {
        this.schema = GroupResult.schema(keys);
        this.fitted = fitted;
        this.laws = List.copyOf(laws);
        this.settings = settings;
        this.frontier = laws.stream().allMatch(l -> l.family() == dev.lawfit.law.Family.COMPUTE);
    }

    @Override
    public Row call(Row group) {
        List<Row> pointRows = group.getList(group.fieldIndex("points"));
        GroupFitter.GroupFit result = new GroupFitter(laws, settings).fit(PointsColumn.points(pointRows));
        if (fitted != null) fitted.add(1);
        int derivedFlops = PointsColumn.derivedFlops(pointRows);
        String conventions = group.getAs("flops_conventions");
        List<Row> lawRows = new ArrayList<>(), predictions = new ArrayList<>(), backtest = new ArrayList<>(), frontierRows = new ArrayList<>(),
                folds = new ArrayList<>();
        for (int l = 0; l < result.fits().size(); l++) {
            LawFit fit = result.fits().get(l);
            String family = laws.get(l).family().label();
            lawRows.add(LawsTable.row(family, fit, settings.huberDelta(), derivedFlops, conventions, rmse(fit, result.points()),
                    settings.splitFor(laws.get(l)).label()));
            if (fit.ok()) predictions.addAll(PredictionsTable.rows(family, fit, result.points()));
            if (fit.backtest() != null && fit.backtest().status() == FitStatus.OK) backtest.addAll(BacktestTable.rows(family, fit, result.points()));
            folds.addAll(dev.lawfit.job.tables.FoldsTable.rows(family, fit, result.points()));
        }
        if (frontier) {
            for (FrontierAnalysis.Result r : FrontierAnalysis.analyse(result.points(), laws, result.fits(), settings.computeBudgets(),
                    settings.bootstrap())) {
                frontierRows.add(FrontierTable.row(r, conventions, settings.bootstrap().level()));
            }
        }
        return RowBuilder.of(schema).set(Columns.KEY, group.getAs(Columns.KEY))
                // only the bootstrap refits from the points: without it, do not carry a copy per group
                .set("points", settings.bootstrap().enabled() ? PointsColumn.rows(result.points()) : List.of())
                .set("laws", lawRows).set("predictions", predictions).set("backtest", backtest).set("frontier", frontierRows).set("folds", folds).build();
    }

    /** Root mean square of observed - predicted, in the target's units. */
    private static double rmse(LawFit fit, Points points) {
        if (fit.predicted() == null) return Double.NaN;
        double s = 0;
        for (int i = 0; i < points.size(); i++) s += Math.pow(points.loss()[i] - fit.predicted()[i], 2);
        return Math.sqrt(s / points.size());
    }
}
