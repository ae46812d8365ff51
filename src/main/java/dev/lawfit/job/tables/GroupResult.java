package dev.lawfit.job.tables;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/** One fitted group between stages: its key, its points (for the bootstrap) and the rows of every table it feeds. */
public final class GroupResult {

    private GroupResult() {
    }

    public static StructType schema(List<String> keys) {
        return Columns.withKey(keys, field("points", new ArrayType(PointsColumn.POINT, false)), field("laws", new ArrayType(LawsTable.SCHEMA, false)),
                field("predictions", new ArrayType(PredictionsTable.SCHEMA, false)), field("backtest", new ArrayType(BacktestTable.SCHEMA, false)),
                field("frontier", new ArrayType(FrontierTable.SCHEMA, false)), field("folds", new ArrayType(FoldsTable.SCHEMA, false)));
    }
}
