package dev.lawfit.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every run's and candidate's learning-rate schedule by name: a run described in {@code schedule.runs} from its
 * description, any other from the learning rates logged at its checkpoints, the candidates from theirs.
 */
public final class ScheduleBook {

    private ScheduleBook() {
    }

    /** {@code logged}: per run, its (step, lr) pairs as two arrays. */
    public static Map<String, LrSchedule> build(Map<String, double[][]> logged, ScheduleSettings settings) {
        Map<String, LrSchedule> book = new LinkedHashMap<>();
        logged.forEach((run, points) -> {
            if (!settings.runs().containsKey(run) && points[0].length > 0) {
                book.put(run, LrSchedule.interpolate(points[0], points[1], settings.warmupSteps(), settings.interpolation()));
            }
        });
        settings.runs().forEach((run, shape) -> book.put(run, shape.toSchedule()));
        for (Map.Entry<String, LrSchedule> c : settings.candidateSchedules().entrySet()) {
            if (book.containsKey(c.getKey())) throw new IllegalArgumentException("schedule.candidates." + c.getKey() + " has the name of a run");
            book.put(c.getKey(), c.getValue());
        }
        return book;
    }
}
