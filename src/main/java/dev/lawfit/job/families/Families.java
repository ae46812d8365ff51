package dev.lawfit.job.families;

import dev.lawfit.spec.JobSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of the families a run fits, in the order their tables are written. The job driver loops over it; the
 * incremental plan learns from it which families' rows each planned stage owns in the shared tables.
 */
public final class Families {

    public static final List<FamilyStage> ALL = List.of(new ComputeFamily(), new CurveFamily(), new TemporalFamily(), new ScheduleFamily(),
            new DownstreamFamily(), new LossToLossFamily());

    private Families() {
    }

    /** The families a spec asks for, in registry order. */
    public static List<FamilyStage> of(JobSpec spec) {
        return ALL.stream().filter(f -> f.runs(spec)).toList();
    }

    /** Per planned stage, the families whose rows it writes into the shared tables ({@code family} column values). */
    public static Map<String, List<String>> stageFamilies() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (FamilyStage f : ALL) {
            if (f.plannedStage() == null) continue;
            out.computeIfAbsent(f.plannedStage(), k -> new java.util.ArrayList<>()).add(f.family().label());
        }
        return out;
    }

    /** The planned stages of these families, each once, in order. */
    public static String[] plannedStages(List<FamilyStage> families) {
        return families.stream().map(FamilyStage::plannedStage).filter(java.util.Objects::nonNull).distinct().toArray(String[]::new);
    }
}
