package dev.lawfit.cli;

import dev.lawfit.LawfitException;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.Target;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.results.TextTable;
import dev.lawfit.job.results.VersionReader;
import dev.lawfit.predict.PublishedLaw;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A published law asked for one prediction, without refitting and without Spark: the law's published parameters predict
 * at the point, and its published bootstrap resamples give the interval. At a point the job already forecast (a target of
 * the spec's predict:), the published forecast row is the answer, so the two agree exactly.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predicts with a published law at a point you name, with its interval, from the published parameters and "
                + "resamples (no refit, no Spark). Compute laws: --params N --tokens D, or --flops C --tokens-per-param M; "
                + "loss-to-loss lines: --x L (the x eval's loss).",
                "Example: lawfit predict --output target/quickstart/output --group model=llama --law chinchilla --params 7e10 --tokens 1.4e12"})
final class PredictCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, required = true, description = "the output path (a job's output.path)")
    String output;

    @Option(names = "--version", paramLabel = "VERSION", description = "a kept version (default: the current one)")
    String version;

    @Option(names = "--group", paramLabel = "KEY=VALUE,...", split = ",", description = "the group: its key columns' values (any that tell it apart)")
    List<String> group = List.of();

    @Option(names = "--law", description = "the law (default: every ok law of the group)")
    String law;

    @Option(names = "--params", paramLabel = "N", description = "model size N") Double params;
    @Option(names = "--tokens", paramLabel = "D", description = "training tokens D") Double tokens;
    @Option(names = "--flops", paramLabel = "C", description = "training compute C (FLOPs); with --tokens-per-param, or 6ND by default") Double flops;
    @Option(names = "--tokens-per-param", paramLabel = "M", description = "tokens per parameter M = D/N, with --flops") Double ratio;
    @Option(names = "--unique-tokens", paramLabel = "U", description = "unique tokens (the data-constrained law)") Double uniqueTokens;
    @Option(names = "--x", paramLabel = "L", description = "a loss-to-loss line's x: the x eval's loss") Double x;

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json")
    String format;

    @Override
    public Integer call() {
        if (!List.of("table", "csv", "json").contains(format)) throw new LawfitException("predict --format must be table, csv or json, got '" + format + "'");
        File versionDir = version == null ? OutputPublisher.localCurrentVersion(output) : OutputPublisher.localVersion(output, version);
        if (versionDir == null) {
            throw new LawfitException("predict reads outputs on this machine; " + output + " is remote: query it with lawfit sql --engine spark "
                    + "(docs/operations.md has the recipe)");
        }
        boolean line = x != null;
        Target target = line ? null : target();
        if (line && (params != null || tokens != null || flops != null || ratio != null)) {
            throw new LawfitException("predict: --x asks a loss-to-loss line; give it alone, without --params/--tokens/--flops");
        }
        File specFile = new File(versionDir, OutputPublisher.SPEC);
        LawCatalog.Options options = specFile.isFile() ? JobSpecReader.read(specFile.toPath()).lawOptions() : LawCatalog.Options.DEFAULT;
        String table = line ? dev.lawfit.law.Family.LOSS_TO_LOSS.label() : "laws";
        List<String> columns = VersionReader.columns(versionDir, table);
        if (columns == null) throw new LawfitException("predict: version " + versionDir.getName() + " has no " + table + " table");
        List<String> keys = dev.lawfit.changes.VersionTables.keysOf(table, columns);
        Map<String, String> wanted = groupFilter(keys);
        List<String> read = new ArrayList<>(keys);
        read.addAll(List.of("family", "law", "status", "parameters", "ci_level"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : VersionReader.rows(versionDir, table, read, dev.lawfit.fit.FitStatus.USABLE_SQL + (line ? "" : " AND family = 'compute'"))) {
            if ((law == null || law.equals(r.get("law"))) && matches(r, wanted)) rows.add(r);
        }
        if (rows.isEmpty()) throw new LawfitException("predict: no ok fit in " + table + " matches " + describe(wanted) + available(versionDir, table, read, line));
        List<String> groupsFound = rows.stream().map(r -> label(r, keys)).distinct().toList();
        if (groupsFound.size() > 1) {
            throw new LawfitException("predict: " + groupsFound.size() + " groups match " + describe(wanted) + "; say which with --group (e.g. "
                    + String.join(" | ", groupsFound.subList(0, Math.min(4, groupsFound.size()))) + ")");
        }
        List<String[]> out = new ArrayList<>();
        List<Map<String, Object>> json = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Law l = LawCatalog.byName((String) r.get("law"), options);
            Points at = line ? Points.of(new double[] {1}, new double[] {1}, new double[] {1}, new double[] {Double.NaN}, new double[] {x},
                    new String[] {null}, new double[] {Double.NaN}) : Target.points(List.of(target));
            Map<String, Object> published = line ? null : publishedForecast(versionDir, keys, r, target);
            double level = r.get("ci_level") instanceof Number n ? n.doubleValue() : 0.95;
            String targetLabel = line ? "L_x=" + x : target.name();
            double value, low, high;
            String interval;
            if (published != null) {
                value = ((Number) published.get("prediction")).doubleValue();
                low = published.get("low") instanceof Number n ? n.doubleValue() : Double.NaN;
                high = published.get("high") instanceof Number n ? n.doubleValue() : Double.NaN;
                interval = "the published forecast at " + published.get("target");
            } else {
                PublishedLaw p = new PublishedLaw(l, doubles(r.get("parameters")), resamples(versionDir, keys, r), level);
                PublishedLaw.Prediction pr = p.predict(at, 0);
                value = pr.value();
                low = pr.low();
                high = pr.high();
                interval = pr.resamples() < 2 ? "none (no published resamples: bootstrap off)" : "bootstrap, " + pr.resamples() + " published resamples";
            }
            out.add(new String[] {label(r, keys), l.name(), targetLabel, fmt(value), fmt(low), fmt(high), fmt(level), interval});
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("group", label(r, keys));
            j.put("law", l.name());
            j.put("target", targetLabel);
            j.put("prediction", value);
            j.put("low", Double.isFinite(low) ? low : null);
            j.put("high", Double.isFinite(high) ? high : null);
            j.put("level", level);
            j.put("interval", interval);
            json.add(j);
        }
        if (format.equals("json")) {
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            for (Map<String, Object> j : json) {
                try {
                    System.out.println(mapper.writeValueAsString(j));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else {
            System.out.print(TextTable.render(format, new String[] {"group", "law", "target", "prediction", "low", "high", "level", "interval"}, out, false));
        }
        return 0;
    }

    private Target target() {
        if (params != null || tokens != null) {
            if (params == null || tokens == null || ratio != null) {
                throw new LawfitException("predict: give --params N and --tokens D together (or --flops C --tokens-per-param M)");
            }
            return Target.ofSizeTokens(null, params, tokens, flops, uniqueTokens == null ? Double.NaN : uniqueTokens);
        }
        if (flops != null && ratio != null) return Target.ofComputeRatio(null, flops, ratio, uniqueTokens == null ? Double.NaN : uniqueTokens);
        throw new LawfitException("predict: name the point: --params N --tokens D, --flops C --tokens-per-param M, or --x L for a loss-to-loss line");
    }

    private Map<String, String> groupFilter(List<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : group) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new LawfitException("predict --group: '" + pair + "' is not KEY=VALUE (e.g. --group model=llama,dataset=web)");
            String key = pair.substring(0, eq).strip();
            if (!keys.contains(key)) throw new LawfitException("predict --group: '" + key + "' is not a group key of this output; keys: " + keys);
            out.put(key, pair.substring(eq + 1).strip());
        }
        return out;
    }

    private static boolean matches(Map<String, Object> row, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) if (!e.getValue().equals(String.valueOf(row.get(e.getKey())))) return false;
        return true;
    }

    private String describe(Map<String, String> wanted) {
        return (wanted.isEmpty() ? "any group" : "--group " + String.join(",", group)) + (law == null ? "" : " and --law " + law);
    }

    private String available(File versionDir, String table, List<String> read, boolean line) {
        List<String> seen = new ArrayList<>();
        List<String> keys = read.subList(0, read.indexOf("family"));
        for (Map<String, Object> r : VersionReader.rows(versionDir, table, read, dev.lawfit.fit.FitStatus.USABLE_SQL + (line ? "" : " AND family = 'compute'"))) {
            String s = label(r, keys) + " law=" + r.get("law");
            if (!seen.contains(s)) seen.add(s);
        }
        return seen.isEmpty() ? " (the version has no ok fit there)" : "; ok fits: " + String.join(" | ", seen.subList(0, Math.min(6, seen.size())))
                + (seen.size() > 6 ? " ... (" + seen.size() + ")" : "");
    }

    private static String label(Map<String, Object> row, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) parts.add(k + "=" + row.get(k));
        return String.join(",", parts);
    }

    /** The published forecast row of this group and law at the same point, if the job forecast there. */
    private static Map<String, Object> publishedForecast(File versionDir, List<String> keys, Map<String, Object> row, Target target) {
        List<String> columns = new ArrayList<>(keys);
        columns.addAll(List.of("law", "target", "target_params", "target_tokens", "target_flops", "prediction", "low", "high"));
        for (Map<String, Object> f : VersionReader.rows(versionDir, "forecasts", columns, "law = " + quote((String) row.get("law")))) {
            boolean same = true;
            for (String k : keys) same &= String.valueOf(row.get(k)).equals(String.valueOf(f.get(k)));
            if (same && close(f.get("target_params"), target.params()) && close(f.get("target_tokens"), target.tokens())
                    && close(f.get("target_flops"), target.flops())) {
                return f;
            }
        }
        return null;
    }

    private static List<Map<String, Double>> resamples(File versionDir, List<String> keys, Map<String, Object> row) {
        List<String> columns = new ArrayList<>(keys);
        columns.addAll(List.of("law", "parameters"));
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Object> r : VersionReader.rows(versionDir, "resamples", columns, "law = " + quote((String) row.get("law")))) {
            boolean same = true;
            for (String k : keys) same &= String.valueOf(row.get(k)).equals(String.valueOf(r.get(k)));
            if (same) out.add(doubles(r.get("parameters")));
        }
        return out;
    }

    private static boolean close(Object published, double wanted) {
        return published instanceof Number n && Math.abs(n.doubleValue() - wanted) <= 1e-9 * Math.abs(wanted);
    }

    private static Map<String, Double> doubles(Object v) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) m.forEach((k, value) -> {
            if (value instanceof Number n) out.put(String.valueOf(k), n.doubleValue());
        });
        return out;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }
}
