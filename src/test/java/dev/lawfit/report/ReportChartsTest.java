package dev.lawfit.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * Thousands of observed points are thinned to every k-th of each series, the title says so, and the lines stay whole;
     * a chart under the cap is left alone.
     */
    @Test
    void thousandsOfMarkersAreThinnedAndTheTitleSaysSo() {
        org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder().width(720).height(420).title("runs").build();
        for (int run = 0; run < 6; run++) {
            double[] x = new double[700], y = new double[700];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
                y[i] = 3 + run + 1.0 / (i + 1);
            }
            chart.addSeries("run " + run, x, y).setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            chart.addSeries("run " + run + " fit", x, y).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        int every = ReportCharts.thin(chart);
        int markers = 0;
        for (org.knowm.xchart.XYSeries s : chart.getSeriesMap().values()) {
            if (s.getXYSeriesRenderStyle() == org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter) {
                markers += s.getXData().length;
                assertEquals(1.0, s.getXData()[0], "each run keeps its first checkpoint");
            } else {
                assertEquals(700, s.getXData().length, "a line is not thinned");
            }
        }
        assertEquals(7, every);
        assertTrue(markers <= ReportCharts.MAX_MARKERS, "markers drawn: " + markers);
        assertTrue(chart.getTitle().endsWith("[1 in 7 of 4200 points]"), chart.getTitle());

        org.knowm.xchart.XYChart small = new org.knowm.xchart.XYChartBuilder().width(720).height(420).title("small").build();
        small.addSeries("points", new double[] {1, 2, 3}, new double[] {1, 2, 3}).setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        assertEquals(1, ReportCharts.thin(small));
        assertEquals("small", small.getTitle());
    }

    /** The contents list links every family heading, table and group section of the page, in page order. */
    @Test
    void theContentsListLinksEverySection() {
        String page = "<html><body><h1>lawfit report</h1><section id=\"overview\"><h2>Overview</h2></section>"
                + "<h2 class=\"family\" id=\"family-compute\">Laws</h2><details class=\"group\" id=\"compute-0\" open><summary><h3>a / b</h3></summary></details>"
                + "<details class=\"group\" id=\"compute-1\"><summary><h3>c / d</h3></summary></details>"
                + "<section class=\"table\" id=\"table-rejects\"><h2>Rejects</h2></section></body></html>";
        String withContents = Page.withContents(page);
        String nav = withContents.substring(withContents.indexOf("<nav id=\"contents\">"), withContents.indexOf("</nav>"));
        List<String> links = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"#([^\"]+)\"").matcher(nav);
        while (m.find()) links.add(m.group(1));
        assertEquals(List.of("overview", "family-compute", "compute-0", "compute-1", "table-rejects"), links);
        assertTrue(withContents.indexOf("<nav") < withContents.indexOf("<section id=\"overview\">"), "the contents come first");
    }
}
