package dev.lawfit.law;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlopConventionTest {

    /** The paper lists 1.6 PFLOPs per training step for LLaMA-70M (6 layers, d 512, 480 x 8192 tokens). */
    @Test
    void llama70mStepCostsWhatThePaperLists() {
        double perStep = FlopConvention.SOFTMAX_ATTENTION.perToken(0, 6, 512, 8, 8192) * 480 * 8192;
        assertEquals(1.633016e15, perStep, 1e9);
        assertEquals(1.6e15, perStep, 0.05e15);
    }

    /** l = 2, d = 100, h = 4, n = 1000: 72 l d^2 = 1,440,000 times each family's bracket, computed by hand. */
    @Test
    void eachFamilyMatchesItsFormula() {
        assertEquals(1_440_000 * (1 + 1000 / 600.0 + 5 / 1800.0), FlopConvention.SOFTMAX_ATTENTION.perToken(0, 2, 100, 4, 1000), 1e-6);
        assertEquals(3_844_000, FlopConvention.SOFTMAX_ATTENTION.perToken(0, 2, 100, 4, 1000), 1e-6);
        assertEquals(1_624_000, FlopConvention.TNL.perToken(0, 2, 100, 4, 1000), 1e-6);
        assertEquals(1_565_800, FlopConvention.HGRN2.perToken(0, 2, 100, 4, 1000), 1e-6);
        assertEquals(1_714_600, FlopConvention.COSFORMER2.perToken(0, 2, 100, 4, 1000), 1e-6);
        assertEquals(6e6, FlopConvention.SIX_ND.perToken(1e6, 2, 100, 4, 1000));
    }

    @Test
    void nonEmbeddingParamsFollowTheStudy() {
        assertEquals(12.0 * 6 * 512 * 512, FlopConvention.SOFTMAX_ATTENTION.nonEmbeddingParams(6, 512, 8));
        assertEquals(12.0 * 6 * 512 * 512 + 2.0 * 6 * 512 * 512 / 8, FlopConvention.TNL.nonEmbeddingParams(6, 512, 8));
        assertEquals(12.0 * 6 * 512 * 512 + 6 * 512, FlopConvention.HGRN2.nonEmbeddingParams(6, 512, 8));
        assertEquals(12.0 * 6 * 512 * 512 + 2.0 * 6 * 512 * 512 / 8 + 512.0 * 512 / 8, FlopConvention.COSFORMER2.nonEmbeddingParams(6, 512, 8));
    }

    @Test
    void labelsRoundTripAndUnknownOnesAreNamed() {
        for (FlopConvention c : FlopConvention.values()) assertEquals(c, FlopConvention.byLabel(c.label()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlopConvention.byLabel("mamba"));
        assertEquals(true, e.getMessage().contains("'mamba'"));
    }
}
