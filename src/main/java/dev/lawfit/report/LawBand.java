package dev.lawfit.report;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;

/**
 * What the report draws for one fitted law: its prediction along a line of covariates, computed by the law
 * itself (no formula here), and a pointwise interval band around it from the law's published bootstrap resamples
 * (the {@code resamples} table): the report reads them, it refits nothing.
 */
final class LawBand {

    record Curve(double[] predicted, double[] low, double[] high) {
    }

    private LawBand() {
    }

    /** The law's prediction at every point of {@code along}. */
    static double[] predict(Law law, double[] theta, Points along) {
        double[] out = new double[along.size()];
        for (int i = 0; i < out.length; i++) out[i] = law.predict(theta, along, i);
        return out;
    }

    /**
     * The prediction along {@code along} with a {@code level} band over the published resamples' predictions; the band is
     * null when fewer than 10 resamples were published (the bootstrap was off).
     */
    static Curve withBand(Law law, Map<String, Double> parameters, List<Map<String, Double>> resamples, Points along, double level) {
        double[] predicted = predict(law, law.theta(parameters), along);
        if (resamples.size() < 10) return new Curve(predicted, null, null);
        dev.lawfit.predict.PublishedLaw published = new dev.lawfit.predict.PublishedLaw(law, parameters, resamples, level);
        double[] low = new double[along.size()], high = new double[along.size()];
        for (int i = 0; i < low.length; i++) {
            dev.lawfit.predict.PublishedLaw.Prediction p = published.predict(along, i);
            low[i] = p.low();
            high[i] = p.high();
        }
        return new Curve(predicted, low, high);
    }

    /** The published resamples of every law of a version, found by a fit row's identity (its group keys) and law. */
    static final class Resamples {
        private final Map<String, List<Row>> byLaw = new java.util.HashMap<>();
        private final List<String> columns;

        Resamples(List<Row> rows, String[] columns) {
            this.columns = List.of(columns);
            for (Row r : rows) byLaw.computeIfAbsent(r.getAs("law"), k -> new java.util.ArrayList<>()).add(r);
        }

        static Resamples none() {
            return new Resamples(List.of(), new String[0]);
        }

        /** The resamples' parameters of the law of {@code fit}, whose group is named by {@code keys}. */
        List<Map<String, Double>> of(Row fit, List<String> keys) {
            List<Map<String, Double>> out = new java.util.ArrayList<>();
            for (Row r : byLaw.getOrDefault(fit.<String>getAs("law"), List.of())) {
                boolean same = true;
                for (String k : keys) {
                    if (!columns.contains(k)) continue;
                    same &= java.util.Objects.equals(String.valueOf(fit.<Object>getAs(k)), String.valueOf(r.<Object>getAs(k)));
                }
                if (same) out.add(r.getJavaMap(r.fieldIndex("parameters")));
            }
            return out;
        }
    }
}
