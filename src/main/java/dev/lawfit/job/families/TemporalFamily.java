package dev.lawfit.job.families;

import dev.lawfit.job.stages.TemporalStage;
import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.SpecHashes;

/** The temporal scaling law per run, with its own tables of per-position laws, forecast quality and run ranking. */
final class TemporalFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.TEMPORAL;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return spec.temporal() != null;
    }

    @Override
    public String plannedStage() {
        return SpecHashes.RUNS;
    }

    @Override
    public Fitted fit(FamilyRun run) {
        TemporalStage.Tables t = TemporalStage.fit(run.rowsToFit(SpecHashes.RUNS), run.spec().groupBy(), run.spec().temporal().toSettings(),
                run.partitions());
        return new Fitted(t.laws(), t.predictions(), null, null, null, (r, shared) -> {
            r.write("temporal_points", r.combine("temporal_points", t.points(), SpecHashes.RUNS));
            r.write("temporal_quality", r.combine("temporal_quality", t.quality(), SpecHashes.RUNS));
            r.write("temporal_ranking", r.combine("temporal_ranking", t.ranking(), SpecHashes.RUNS));
            return null;
        }, t::release);
    }
}
