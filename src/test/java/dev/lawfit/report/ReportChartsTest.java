package dev.lawfit.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charts draw whatever sizes a sweep has. */
class ReportChartsTest {

    @Test
    void sizesWhoseLabelsRoundAlikeAreDrawnAsSeparateSeries() {
        List<ReportCharts.Point> points = new ArrayList<>();
        for (double n : new double[]{73.81e6, 73.84e6, 73.84e6 + 1, 150e6}) {
            for (double d = 1e9; d <= 8e9; d *= 2) points.add(new ReportCharts.Point(n, d, 6 * n * d, 3 + 1e3 / Math.sqrt(d), 0));
        }
        String png = ReportCharts.lossCurves("sizes that round alike", points, null, null, true, 4);
        assertTrue(png.length() > 1000, "a chart was drawn");
    }
}
