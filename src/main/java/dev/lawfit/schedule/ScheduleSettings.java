package dev.lawfit.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the schedule-aware laws are fitted and scored: the runs fitted whole ({@code fitRuns}; empty = every run),
 * the fractions of each other run it is also fitted on to predict that run's rest, the laws, the warm-up length
 * (-1: where each run's LR first peaks), how the LR runs between logged checkpoints, the annealing law's
 * momentum, runs whose whole schedule is described rather than logged, and candidate schedules to rank.
 */
public record ScheduleSettings(List<String> fitRuns, List<Double> fitFractions, List<String> laws, int warmupSteps,
                               LrSchedule.Interpolation interpolation, double annealingDecay, Map<String, ScheduleShape> runs,
                               Map<String, ScheduleShape> candidates) implements java.io.Serializable {

    public ScheduleSettings {
        fitRuns = List.copyOf(fitRuns == null ? List.of() : fitRuns);
        fitFractions = List.copyOf(fitFractions == null ? List.of(0.3) : fitFractions);
        // empty: every schedule law of the catalog (the spec checks the names against it)
        laws = List.copyOf(laws == null ? List.of() : laws);
        interpolation = interpolation == null ? LrSchedule.Interpolation.LINEAR : interpolation;
        runs = Map.copyOf(runs == null ? Map.of() : runs);
        candidates = new LinkedHashMap<>(candidates == null ? Map.of() : candidates);
        for (double f : fitFractions) {
            if (!(f > 0 && f < 1)) throw new IllegalArgumentException("schedule.fit_fractions must be in (0, 1), got " + f);
        }
        if (warmupSteps < -1) throw new IllegalArgumentException("schedule.warmup_steps must be >= 0, got " + warmupSteps);
        if (!(annealingDecay >= 0 && annealingDecay < 1)) {
            throw new IllegalArgumentException("schedule.annealing_decay must be in [0, 1), got " + annealingDecay);
        }
        runs.forEach((k, v) -> v.check("schedule.runs." + k));
        candidates.forEach((k, v) -> v.check("schedule.candidates." + k));
        for (String c : candidates.keySet()) {
            if (runs.containsKey(c) || fitRuns.contains(c)) throw new IllegalArgumentException("schedule.candidates." + c + " has the name of a run");
        }
    }

    /** The candidates' schedules by name. */
    public Map<String, LrSchedule> candidateSchedules() {
        Map<String, LrSchedule> out = new LinkedHashMap<>();
        candidates.forEach((k, v) -> out.put(k, v.toSchedule()));
        return out;
    }
}
