package dev.lawfit.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lawfit.fit.Fingerprint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hashes of a job spec. The spec hash covers the whole spec (the run history records it); the fit-settings
 * hash covers only what decides a group's results from its rows (laws, fitting, bootstrap, backtest, FLOP
 * accounting, grouping, the downstream and temporal sections) and lawfit's version: input paths, output and
 * Spark settings are left out, so adding input files or moving the output does not force a refit.
 */
public final class SpecHashes {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private SpecHashes() {
    }

    public static String specHash(JobSpec spec) {
        return Fingerprint.ofText(json(spec));
    }

    public static String fitSettingsHash(JobSpec spec, String lawfitVersion) {
        Map<String, Object> decisive = new LinkedHashMap<>();
        decisive.put("lawfit_version", lawfitVersion);
        decisive.put("group_by", spec.groupBy());
        decisive.put("laws", spec.laws());
        decisive.put("flops", spec.flops());
        decisive.put("fit", spec.fit());
        decisive.put("bootstrap", spec.bootstrap());
        decisive.put("backtest", spec.backtest());
        decisive.put("downstream", spec.downstream());
        decisive.put("temporal", spec.temporal());
        return Fingerprint.ofText(json(decisive));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the job spec for hashing", e);
        }
    }
}
