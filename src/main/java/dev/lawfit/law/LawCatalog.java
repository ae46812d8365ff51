package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every law lawfit knows, by the name job specs use. */
public final class LawCatalog {

    private static final Map<String, Supplier<Law>> LAWS = new LinkedHashMap<>();

    static {
        LAWS.put("chinchilla", ChinchillaLaw::new);
        LAWS.put("power_compute", PowerComputeLaw::new);
        LAWS.put("pure_params", () -> new PurePowerLaw(PurePowerLaw.Variable.PARAMS));
        LAWS.put("pure_tokens", () -> new PurePowerLaw(PurePowerLaw.Variable.TOKENS));
        LAWS.put("pure_compute", () -> new PurePowerLaw(PurePowerLaw.Variable.COMPUTE));
    }

    private LawCatalog() {
    }

    public static Law byName(String name) {
        Supplier<Law> law = LAWS.get(name);
        if (law == null) {
            throw new IllegalArgumentException("unknown law '" + name + "'; known laws: " + names());
        }
        return law.get();
    }

    public static List<String> names() {
        return List.copyOf(LAWS.keySet());
    }
}
