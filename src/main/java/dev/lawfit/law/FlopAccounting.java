package dev.lawfit.law;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * How a job counts each checkpoint's training compute: {@code input} takes the flops column (6ND where it
 * is missing), {@code 6nd} always uses 6ND, {@code architecture} uses the FLOP convention of the model's
 * architecture family (from the job spec's model-to-family map) with the row's n_layers, d_model, n_heads
 * and context_length, and 6ND for rows or models it cannot apply to. Every row records the convention used.
 */
public record FlopAccounting(String mode, Map<String, FlopConvention> families) implements Serializable {

    public static final FlopAccounting INPUT = new FlopAccounting("input", Map.of());

    public FlopAccounting {
        mode = mode.toLowerCase(Locale.ROOT);
        if (!mode.equals("input") && !mode.equals("6nd") && !mode.equals("architecture")) {
            throw new IllegalArgumentException("flops.convention must be input, 6nd or architecture, got '" + mode + "'");
        }
        families = Map.copyOf(families);
    }

    /** The convention applied to one row, as written on the output rows. */
    public String convention(String model, Double inputFlops, Integer layers, Integer dModel, Integer heads, Integer context) {
        return switch (mode) {
            case "input" -> inputFlops != null ? "input" : FlopConvention.SIX_ND.label();
            case "6nd" -> FlopConvention.SIX_ND.label();
            default -> family(model, layers, dModel, heads, context).label();
        };
    }

    /** Training FLOPs of one row; null when the row lacks what its convention needs (it is then rejected). */
    public Double flops(String model, Double params, Double tokens, Double inputFlops, Integer layers, Integer dModel,
                        Integer heads, Integer context) {
        if (params == null || tokens == null) return null;
        return switch (mode) {
            case "input" -> inputFlops != null ? inputFlops : 6 * params * tokens;
            case "6nd" -> 6 * params * tokens;
            default -> tokens * family(model, layers, dModel, heads, context).perToken(params,
                    layers == null ? 0 : layers, dModel == null ? 0 : dModel, heads == null ? 1 : heads, context == null ? 0 : context);
        };
    }

    private FlopConvention family(String model, Integer layers, Integer dModel, Integer heads, Integer context) {
        FlopConvention family = model == null ? null : families.get(model); // Map.copyOf refuses null lookups
        if (family == null || family == FlopConvention.SIX_ND || layers == null || dModel == null || heads == null || context == null) {
            return FlopConvention.SIX_ND;
        }
        return family;
    }
}
