package dev.lawfit.generate;

import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A generated archive split into per-group {@link Points}, as the core sees it without Spark. */
public final class GroupedArchive {

    private GroupedArchive() {
    }

    public static List<Points> byModel(List<CheckpointEvaluation> rows) {
        Map<String, List<CheckpointEvaluation>> groups = new LinkedHashMap<>();
        for (CheckpointEvaluation row : rows) groups.computeIfAbsent(row.model(), k -> new ArrayList<>()).add(row);
        List<Points> out = new ArrayList<>(groups.size());
        for (List<CheckpointEvaluation> group : groups.values()) {
            int n = group.size();
            double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n], s = new double[n];
            String[] runs = new String[n];
            for (int i = 0; i < n; i++) {
                CheckpointEvaluation r = group.get(i);
                p[i] = r.params(); d[i] = r.tokens(); c[i] = 6 * r.params() * r.tokens(); l[i] = r.loss();
                runs[i] = r.runId(); s[i] = r.step();
            }
            out.add(Points.of(p, d, c, l, runs, s));
        }
        return out;
    }
}
