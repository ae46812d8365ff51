package dev.lawfit.law;

import java.util.Locale;

/**
 * How training compute is counted, per architecture family, as in Shen et al. 2024 ("Scaling Laws for
 * Linear Complexity Language Models"): FLOPs per token of a model with l layers, hidden size d, h heads
 * and context n. Softmax attention adds a context-length term; linear attention and linear RNNs a
 * head-count term. {@code SIX_ND} is the usual 6 N D.
 */
public enum FlopConvention {
    SIX_ND,
    SOFTMAX_ATTENTION,
    TNL,
    HGRN2,
    COSFORMER2;

    /** 1 PFLOP/s-day, the compute unit of the linear-complexity study. */
    public static final double PF_DAY = 8.64e19;

    /** Training FLOPs per token; {@code params} is only used by 6ND. */
    public double perToken(double params, int layers, int dModel, int heads, int context) {
        double base = 72.0 * layers * (double) dModel * dModel;
        return switch (this) {
            case SIX_ND -> 6 * params;
            case SOFTMAX_ATTENTION -> base * (1 + context / (6.0 * dModel) + 5 / (18.0 * dModel));
            case TNL -> base * (1 + 1 / (2.0 * heads) + 5 / (18.0 * dModel));
            case HGRN2 -> base * (1 + 1 / (3.0 * heads) + 29 / (72.0 * dModel));
            case COSFORMER2 -> base * (1 + 3 / (4.0 * heads) + 23 / (72.0 * dModel));
        };
    }

    /** Non-embedding parameters as the study counts them (6ND has no formula of its own: softmax's). */
    public double nonEmbeddingParams(int layers, int dModel, int heads) {
        double base = 12.0 * layers * dModel * dModel;
        return switch (this) {
            case SIX_ND, SOFTMAX_ATTENTION -> base;
            case TNL -> base + 2.0 * layers * dModel * dModel / heads;
            case HGRN2 -> base + (double) layers * dModel;
            case COSFORMER2 -> base + 2.0 * layers * dModel * dModel / heads + (double) dModel * dModel / heads;
        };
    }

    /** The name job specs and output rows use, e.g. {@code softmax_attention}, {@code 6nd}. */
    public String label() {
        return this == SIX_ND ? "6nd" : name().toLowerCase(Locale.ROOT);
    }

    public static FlopConvention byLabel(String label) {
        for (FlopConvention c : values()) if (c.label().equalsIgnoreCase(label)) return c;
        throw new IllegalArgumentException("unknown FLOP convention '" + label + "'; expected one of 6nd, softmax_attention, tnl, hgrn2, cosformer2");
    }
}
