package dev.lawfit.report;

import dev.lawfit.law.Family;
import org.apache.spark.sql.Row;

import java.util.List;

/** One family's published rows: fits, predictions and backtest, with the columns that key a fit. */
record Fits(Family family, List<Row> fits, List<Row> predictions, List<Row> backtest, List<String> keys,
                    List<Row> selection, List<Row> forecasts) {
    Fits(Family family, List<Row> fits, List<Row> predictions, List<Row> backtest, List<String> keys) {
        this(family, fits, predictions, backtest, keys, List.of(), List.of());
    }

    /** The family's name as the tables write it. */
    String name() {
        return family.label();
    }
}
