package dev.lawfit.job;

import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallInputsTest {

    private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage", FACTORY = "spark.sql.codegen.factoryMode",
            ADAPTIVE = "spark.sql.adaptive.enabled";

    @Test
    void aSmallInputRunsInterpretedAndTheSessionGetsItsSettingsBack() {
        SparkSession spark = TestSpark.session();
        assertFalse(spark.sessionState().conf().contains(WHOLE_STAGE), "the shared session chose nothing");
        Runnable restore = SmallInputs.apply(spark, 80_000);
        try {
            assertEquals("false", spark.conf().get(WHOLE_STAGE));
            assertEquals("NO_CODEGEN", spark.conf().get(FACTORY));
            assertEquals("false", spark.conf().get(ADAPTIVE));
            // a query still answers, interpreted
            assertEquals(10, spark.range(10).selectExpr("id * 2 as x").where("x >= 0").count());
        } finally {
            restore.run();
        }
        assertFalse(spark.sessionState().conf().contains(WHOLE_STAGE));
        assertFalse(spark.sessionState().conf().contains(FACTORY));
        assertFalse(spark.sessionState().conf().contains(ADAPTIVE));
        assertEquals("true", spark.conf().get(WHOLE_STAGE));
        assertEquals("true", spark.conf().get(ADAPTIVE), "Spark's own default back");
    }

    @Test
    void aLargeInputAndSomeonesChoiceAreLeftAlone() {
        SparkSession spark = TestSpark.session();
        SmallInputs.apply(spark, SmallInputs.MOST_BYTES + 1).run();
        assertFalse(spark.sessionState().conf().contains(WHOLE_STAGE), "over the limit: code generation as Spark does it");
        spark.conf().set(WHOLE_STAGE, "true");
        try {
            Runnable restore = SmallInputs.apply(spark, 1_000);
            assertEquals("true", spark.conf().get(WHOLE_STAGE), "a chosen setting stays");
            assertEquals("NO_CODEGEN", spark.conf().get(FACTORY), "the one nobody chose is set");
            restore.run();
            assertTrue(spark.sessionState().conf().contains(WHOLE_STAGE), "and is not unset afterwards");
            assertFalse(spark.sessionState().conf().contains(FACTORY));
        } finally {
            spark.conf().unset(WHOLE_STAGE);
        }
    }
}
