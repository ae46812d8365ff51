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

    /**
     * The layout of the published tables: part of every hash below, so rows a previous release wrote in another
     * layout are refitted once rather than copied next to rows of the new one.
     */
    public static final int TABLES_LAYOUT = 4;

    /** The stage of the per-group families in (N, D, C) ({@code laws}; family compute). */
    public static final String COMPUTE = "compute";
    /** The stage of the per-run families of a temporal section (families curve and temporal). */
    public static final String RUNS = "runs";
    /** The stage of the schedule-aware laws and their study, per group (family schedule). */
    public static final String SCHEDULE = "schedule";

    public static String fitSettingsHash(JobSpec spec, String lawfitVersion) {
        Map<String, Object> decisive = new LinkedHashMap<>();
        decisive.put("lawfit_version", lawfitVersion);
        decisive.put("tables_layout", TABLES_LAYOUT);
        decisive.put("group_by", spec.groupBy());
        decisive.put("laws", spec.laws());
        decisive.put("flops", spec.flops());
        decisive.put("fit", spec.fit());
        decisive.put("bootstrap", spec.bootstrap());
        decisive.put("backtest", spec.backtest());
        decisive.put("downstream", spec.downstream());
        decisive.put("temporal", spec.temporal());
        decisive.put("predict", spec.predict());
        return Fingerprint.ofText(json(decisive));
    }

    /**
     * One hash per stage of per-group fits, of only what decides that stage's rows: changing the temporal
     * section refits no compute law, changing {@code fit} no run curve. Families rebuilt every run
     * (loss_to_loss, downstream, comparison) are in none.
     */
    public static Map<String, String> stageHashes(JobSpec spec, String lawfitVersion) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!spec.laws().isEmpty()) {
            Map<String, Object> compute = stage(spec, lawfitVersion);
            compute.put("laws", spec.laws());
            compute.put("flops", spec.flops());
            compute.put("fit", spec.fit());
            compute.put("bootstrap", spec.bootstrap());
            compute.put("hold_out_sizes", spec.backtest().holdOutSizes());
            compute.put("hold_out", spec.backtest().holdOut());
            compute.put("predict", spec.predict());
            out.put(COMPUTE, Fingerprint.ofText(json(compute)));
        }
        if (spec.temporal() != null) {
            Map<String, Object> runs = stage(spec, lawfitVersion);
            runs.put("temporal", spec.temporal());
            runs.put("bootstrap", spec.bootstrap());
            runs.put("fit_fraction", spec.backtest().fitFraction());
            out.put(RUNS, Fingerprint.ofText(json(runs)));
        }
        if (spec.schedule() != null) {
            Map<String, Object> schedule = stage(spec, lawfitVersion);
            schedule.put("schedule", spec.schedule());
            schedule.put("fit", spec.fit());
            schedule.put("bootstrap", spec.bootstrap());
            schedule.put("fit_fraction", spec.backtest().fitFraction());
            out.put(SCHEDULE, Fingerprint.ofText(json(schedule)));
        }
        return out;
    }

    /** What every stage's hash starts with: lawfit's version, the tables' layout, the group keys. */
    private static Map<String, Object> stage(JobSpec spec, String lawfitVersion) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lawfit_version", lawfitVersion);
        out.put("tables_layout", TABLES_LAYOUT);
        out.put("group_by", spec.groupBy());
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the job spec for hashing", e);
        }
    }
}
