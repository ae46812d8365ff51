package dev.lawfit.law;

/**
 * The registry of law families: what each is called in specs and in the {@code family} column of every table, its title in
 * the report, and the group a fit of it belongs to. A law says its family ({@link Law#family}); the job's stages and the
 * report's sections are looked up by it ({@code dev.lawfit.job.families.FamilyStages}, {@code dev.lawfit.report.FamilySections}),
 * so no code outside this registry and the catalog compares a family or law name as text. Adding a family is a package with
 * its laws, stage, tables and report section, and a constant here.
 */
public enum Family {
    /** L(N, D, C): fitted per group of the spec's {@code group_by}. */
    COMPUTE("compute", "Laws in model size, tokens and compute", false),
    /** A run's training curve L(x), x = tokens / planned tokens: fitted per run. */
    CURVE("curve", "Training curves, per run", true),
    /** The temporal scaling law's per-run trajectories (its own tables beside the curve laws). */
    TEMPORAL("temporal", "Temporal scaling law, per run", true),
    /** The learning-rate-schedule-aware laws: fitted per group over its runs' schedules. */
    SCHEDULE("schedule", "Learning-rate schedules", false),
    /** Loss-to-loss lines L_y(L_x): fitted per (group, x evaluation, y evaluation). */
    LOSS_TO_LOSS("loss_to_loss", "Loss-to-loss lines", false),
    /** Downstream error from loss: fitted per (group, task). */
    DOWNSTREAM("downstream", "Downstream error from loss", false);

    private final String label;
    private final String title;
    private final boolean perRun;

    Family(String label, String title, boolean perRun) {
        this.label = label;
        this.title = title;
        this.perRun = perRun;
    }

    /** The name specs and tables use, e.g. {@code loss_to_loss}. */
    public String label() {
        return label;
    }

    /** The report's heading of the family's section. */
    public String title() {
        return title;
    }

    /** Whether a fit is per training run (keyed by {@code run_id} beside the group keys) rather than per group. */
    public boolean perRun() {
        return perRun;
    }

    /** Whether a table row's {@code family} value is this family's. */
    public boolean is(Object label) {
        return this.label.equals(label);
    }

    /** The family a table's {@code family} value names, or null for none lawfit knows. */
    public static Family byLabel(String label) {
        for (Family f : values()) if (f.label.equals(label)) return f;
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
