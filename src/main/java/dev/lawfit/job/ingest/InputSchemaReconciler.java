package dev.lawfit.job.ingest;

import dev.lawfit.LawfitException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One schema for input files written at different times. Safe differences are reconciled: a column some files
 * lack becomes a nullable column (null in those files), and numbers widen (byte, short, int to bigint; any
 * integer, float or decimal to double; also inside arrays). Anything else - a column that is a number in one file
 * and text in another, say - is refused with the column, both types and a file of each.
 */
public final class InputSchemaReconciler {

    private InputSchemaReconciler() {
    }

    /** A file's schema, with the file named for error messages. */
    public record FileSchema(String file, StructType schema) {
    }

    public static StructType reconcile(List<FileSchema> files) {
        Map<String, DataType> types = new LinkedHashMap<>();
        Map<String, String> firstFile = new LinkedHashMap<>();
        Map<String, String> lowerToName = new LinkedHashMap<>();
        for (FileSchema f : files) {
            for (StructField field : f.schema().fields()) {
                String key = field.name().toLowerCase(java.util.Locale.ROOT);
                String known = lowerToName.putIfAbsent(key, field.name());
                if (known != null && !known.equals(field.name())) {
                    throw new LawfitException("input column '" + field.name() + "' in " + f.file() + " is spelled '" + known + "' in "
                            + firstFile.get(known) + "; Spark treats column names case-insensitively, so the files must agree");
                }
                DataType before = types.get(field.name());
                if (before == null) {
                    types.put(field.name(), field.dataType());
                    firstFile.put(field.name(), f.file());
                    continue;
                }
                DataType widened = widen(before, field.dataType());
                if (widened == null) {
                    throw new LawfitException("input column '" + field.name() + "' is " + before.simpleString() + " in "
                            + firstFile.get(field.name()) + " but " + field.dataType().simpleString() + " in " + f.file()
                            + "; lawfit reconciles only added columns and widened numbers (int to bigint to double, float to double)."
                            + " Rewrite one of the files, or read them as separate jobs");
                }
                types.put(field.name(), widened);
            }
        }
        StructType out = new StructType();
        for (Map.Entry<String, DataType> e : types.entrySet()) out = out.add(e.getKey(), e.getValue(), true);
        return out;
    }

    /** The narrowest type both {@code a} and {@code b} convert to without loss of meaning, or null. */
    public static DataType widen(DataType a, DataType b) {
        if (a.equals(b)) return a;
        if (a instanceof ArrayType x && b instanceof ArrayType y) {
            DataType element = widen(x.elementType(), y.elementType());
            return element == null ? null : DataTypes.createArrayType(element, true);
        }
        int ra = integerRank(a), rb = integerRank(b);
        if (ra > 0 && rb > 0) return ra >= rb ? a : b;
        if (isNumber(a) && isNumber(b)) return DataTypes.DoubleType;
        return null;
    }

    private static int integerRank(DataType t) {
        if (t.equals(DataTypes.ByteType)) return 1;
        if (t.equals(DataTypes.ShortType)) return 2;
        if (t.equals(DataTypes.IntegerType)) return 3;
        if (t.equals(DataTypes.LongType)) return 4;
        return 0;
    }

    private static boolean isNumber(DataType t) {
        return integerRank(t) > 0 || t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType) || t instanceof DecimalType;
    }
}
