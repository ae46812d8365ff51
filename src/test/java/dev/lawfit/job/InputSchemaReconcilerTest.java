package dev.lawfit.job;

import dev.lawfit.job.ingest.InputSchemaReconciler;

import dev.lawfit.LawfitException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputSchemaReconcilerTest {

    @Test
    void widensNumbersAndAddsMissingColumns() {
        StructType a = new StructType().add("params", DataTypes.IntegerType).add("tokens", DataTypes.LongType)
                .add("loss", DataTypes.FloatType).add("losses", DataTypes.createArrayType(DataTypes.FloatType, false));
        StructType b = new StructType().add("params", DataTypes.LongType).add("tokens", DataTypes.DoubleType)
                .add("loss", DataTypes.DoubleType).add("losses", DataTypes.createArrayType(DataTypes.DoubleType, true))
                .add("notes", DataTypes.StringType);
        StructType common = InputSchemaReconciler.reconcile(List.of(new InputSchemaReconciler.FileSchema("a", a),
                new InputSchemaReconciler.FileSchema("b", b)));
        assertEquals(DataTypes.LongType, common.apply("params").dataType());
        assertEquals(DataTypes.DoubleType, common.apply("tokens").dataType());
        assertEquals(DataTypes.DoubleType, common.apply("loss").dataType());
        assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, true), common.apply("losses").dataType());
        assertEquals(DataTypes.StringType, common.apply("notes").dataType());
        assertTrue(common.apply("notes").nullable(), "a column some files lack is nullable");
        assertEquals(DataTypes.createDecimalType(10, 2), InputSchemaReconciler.widen(DataTypes.createDecimalType(10, 2), DataTypes.createDecimalType(10, 2)));
        assertEquals(DataTypes.DoubleType, InputSchemaReconciler.widen(DataTypes.createDecimalType(10, 2), DataTypes.IntegerType));
    }

    @Test
    void refusesTextAgainstNumbersNamingTheColumnAndBothFiles() {
        StructType a = new StructType().add("params", DataTypes.DoubleType);
        StructType b = new StructType().add("params", DataTypes.StringType);
        LawfitException e = assertThrows(LawfitException.class, () -> InputSchemaReconciler.reconcile(List.of(
                new InputSchemaReconciler.FileSchema("night-1.parquet", a), new InputSchemaReconciler.FileSchema("night-2.parquet", b))));
        assertTrue(e.getMessage().contains("'params' is double in night-1.parquet but string in night-2.parquet"), e.getMessage());
    }

    @Test
    void refusesNamesThatDifferOnlyInCase() {
        LawfitException e = assertThrows(LawfitException.class, () -> InputSchemaReconciler.reconcile(List.of(
                new InputSchemaReconciler.FileSchema("x", new StructType().add("Loss", DataTypes.DoubleType)),
                new InputSchemaReconciler.FileSchema("y", new StructType().add("loss", DataTypes.DoubleType)))));
        assertTrue(e.getMessage().contains("'loss' in y is spelled 'Loss' in x"), e.getMessage());
    }
}
