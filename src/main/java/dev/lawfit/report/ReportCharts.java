package dev.lawfit.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The report's charts, drawn with XChart and returned as base64 PNG for embedding. */
public final class ReportCharts {

    static final int WIDTH = 720, HEIGHT = 420;
    /**
     * Twenty distinguishable colours (Tableau's 10 and their light pairs, interleaved so neighbours differ); past twenty
     * series the marker shape changes too, so no two of the first hundred series look alike.
     */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
            new Color(0x0b3d91), new Color(0xb35806), new Color(0x66c2a5), new Color(0xfb9a99), new Color(0x6a3d9a), new Color(0xc49c94),
            new Color(0x8dd3c7), new Color(0x000000), new Color(0xffd92f), new Color(0x1b9e77)};
    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN};

    static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    static org.knowm.xchart.style.markers.Marker marker(int i) {
        return MARKERS[Math.floorMod(i / PALETTE.length, MARKERS.length)];
    }

    /** One observed checkpoint. */
    public record Point(double params, double tokens, double flops, double loss, double logResidual) {
    }

    /** A law of loss in (N, D), as the report draws it: the law itself predicts (see {@link LawBand}). */
    @FunctionalInterface
    public interface SizeLaw {
        double loss(double n, double d);
    }

    /** What a series of a generic chart shows. */
    public enum Kind { POINTS, FIT, EXTRAPOLATION, BAND, FORECAST }

    /** One series of a generic chart. */
    public record Series(String label, double[] x, double[] y, Kind kind, int colour) {
    }

    /** A chart of any family: observed points, the law's fit (solid), its extrapolation (dashed), bands (dotted), forecasts (crosses). */
    public static String xy(String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
        return xy(title, xLabel, yLabel, logX, series, false);
    }

    /** As above, with a logarithmic y axis when {@code logY}. */
    public static String xy(String title, String xLabel, String yLabel, boolean logX, List<Series> series, boolean logY) {
        XYChart chart = chart(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        java.util.Set<String> labels = new java.util.HashSet<>();
        java.util.Set<Integer> solid = new java.util.HashSet<>();
        for (Series one : series) if (one.kind() == Kind.FIT && one.x().length > 0) solid.add(one.colour());
        for (Series one : series) {
            if (one.x().length == 0) continue;
            String label = one.label();
            for (int k = 2; !labels.add(label) && k < 1000; k++) label = one.label() + " #" + k;
            XYSeries s = chart.addSeries(label, one.x(), one.y());
            Color c = colour(one.colour());
            switch (one.kind()) {
                case POINTS, FORECAST -> {
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    s.setMarker(one.kind() == Kind.POINTS ? marker(one.colour()) : SeriesMarkers.CROSS);
                    // a forecast's crosses in its law's colour (black crosses of every run looked alike)
                    s.setMarkerColor(c);
                }
                default -> {
                    s.setMarker(SeriesMarkers.NONE);
                    s.setLineColor(c);
                    s.setLineStyle(one.kind() == Kind.FIT ? SeriesLines.SOLID : one.kind() == Kind.EXTRAPOLATION ? SeriesLines.DASH_DASH : SeriesLines.DOT_DOT);
                    // a fit is labelled; so is a prediction drawn without a fit of its colour (a schedule's predicted curves)
                    s.setShowInLegend(one.kind() == Kind.FIT || one.kind() == Kind.EXTRAPOLATION && !solid.contains(one.colour()));
                }
            }
        }
        return png(chart);
    }

    private ReportCharts() {
    }

    /**
     * Loss against compute (x = flops) or tokens (x = tokens), points coloured by model size, the fitted law
     * per size solid over the data and dashed beyond it (extrapolation to {@code extend} times the largest
     * token count), and the power law in compute when given (E, A, alpha).
     */
    public static String lossCurves(String title, List<Point> points, SizeLaw law, java.util.function.DoubleUnaryOperator powerCompute,
                                    boolean againstCompute, double extend) {
        XYChart chart = chart(title, againstCompute ? "compute C (FLOPs)" : "tokens D", "loss (nats/token)");
        chart.getStyler().setXAxisLogarithmic(true);
        Map<Double, List<Point>> bySize = new TreeMap<>();
        for (Point p : points) bySize.computeIfAbsent(p.params(), k -> new java.util.ArrayList<>()).add(p);
        int colour = 0;
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (Map.Entry<Double, List<Point>> size : bySize.entrySet()) {
            Color c = PALETTE[colour++ % PALETTE.length];
            List<Point> ps = size.getValue();
            double[] x = ps.stream().mapToDouble(p -> againstCompute ? p.flops() : p.tokens()).toArray();
            double[] y = ps.stream().mapToDouble(Point::loss).toArray();
            // sizes that round alike (73.81M and 73.84M) keep distinct labels: the chart library refuses repeats
            String label = "N = " + human(size.getKey());
            if (labels.contains(label)) label = "N = " + String.format("%.6g", size.getKey());
            String base = label;
            for (int k = 2; labels.contains(label); k++) label = base + " #" + k;
            labels.add(label);
            XYSeries s = chart.addSeries(label, x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(c);
            if (law != null) {
                double flopsPerToken = ps.stream().mapToDouble(p -> p.flops() / p.tokens()).average().orElse(6 * size.getKey());
                double dMin = ps.stream().mapToDouble(Point::tokens).min().orElse(1), dMax = ps.stream().mapToDouble(Point::tokens).max().orElse(1);
                addCurve(chart, label + " fit", law, size.getKey(), dMin, dMax, flopsPerToken, againstCompute, c, SeriesLines.SOLID);
                addCurve(chart, label + " extrapolated", law, size.getKey(), dMax, dMax * extend, flopsPerToken, againstCompute, c,
                        SeriesLines.DASH_DASH);
            }
        }
        if (powerCompute != null && againstCompute) {
            double cMin = points.stream().mapToDouble(Point::flops).min().orElse(1), cMax = points.stream().mapToDouble(Point::flops).max().orElse(1) * extend;
            double[] x = new double[60], y = new double[60];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.exp(Math.log(cMin) + (Math.log(cMax) - Math.log(cMin)) * i / (x.length - 1));
                y[i] = powerCompute.applyAsDouble(x[i]);
            }
            XYSeries s = chart.addSeries("power law in C", x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.BLACK);
            s.setLineStyle(SeriesLines.DOT_DOT);
        }
        return png(chart);
    }

    private static void addCurve(XYChart chart, String name, SizeLaw law, double n, double d0, double d1, double flopsPerToken,
                                 boolean againstCompute, Color colour, java.awt.BasicStroke style) {
        if (!(d1 > d0)) return;
        double[] x = new double[40], y = new double[40];
        for (int i = 0; i < x.length; i++) {
            double d = Math.exp(Math.log(d0) + (Math.log(d1) - Math.log(d0)) * i / (x.length - 1));
            x[i] = againstCompute ? d * flopsPerToken : d;
            y[i] = law.loss(n, d);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
        s.setLineStyle(style);
        s.setShowInLegend(false);
    }

    /** log(observed) - log(predicted) against compute. */
    public static String residuals(String title, List<Point> points) {
        XYChart chart = chart(title, "compute C (FLOPs)", "log residual");
        chart.getStyler().setXAxisLogarithmic(true);
        XYSeries s = chart.addSeries("residuals", points.stream().mapToDouble(Point::flops).toArray(),
                points.stream().mapToDouble(Point::logResidual).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        chart.getStyler().setLegendVisible(false);
        return png(chart);
    }

    /** One line per group: a quantity at the compute budgets (e.g. the chinchilla loss at each budget). */
    public static String perBudget(String title, String yLabel, Map<String, Map<Double, Double>> byGroup) {
        return perBudget(title, yLabel, byGroup, Map.of(), Map.of());
    }

    /** As above, each group's interval drawn dotted in its colour below and above its line. */
    public static String perBudget(String title, String yLabel, Map<String, Map<Double, Double>> byGroup, Map<String, Map<Double, Double>> low,
                                   Map<String, Map<Double, Double>> high) {
        XYChart chart = chart(title, "compute budget C (FLOPs)", yLabel);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        int colour = 0;
        for (Map.Entry<String, Map<Double, Double>> g : byGroup.entrySet()) {
            if (g.getValue().isEmpty()) continue;
            XYSeries s = chart.addSeries(g.getKey(), g.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    g.getValue().values().stream().mapToDouble(Double::doubleValue).toArray());
            s.setMarker(marker(colour));
            s.setLineColor(colour(colour));
            s.setMarkerColor(colour(colour));
            for (Map<String, Map<Double, Double>> bound : List.of(low, high)) {
                Map<Double, Double> b = bound.get(g.getKey());
                if (b == null || b.isEmpty()) continue;
                XYSeries band = chart.addSeries(g.getKey() + (bound == low ? " low" : " high"), b.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                        b.values().stream().mapToDouble(Double::doubleValue).toArray());
                band.setMarker(SeriesMarkers.NONE);
                band.setLineColor(colour(colour));
                band.setLineStyle(SeriesLines.DOT_DOT);
                band.setShowInLegend(false);
            }
            colour++;
        }
        return png(chart);
    }

    private static final java.awt.Graphics2D MEASURE = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics();

    private static int width(String text, int size) {
        synchronized (MEASURE) {
            return MEASURE.getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, size)).stringWidth(text);
        }
    }

    /**
     * XChart centres the title on the plot, which the legend at its right narrows: the title gets the largest type (14 down to
     * 9 points) whose measured width fits the chart's width less the legend's, and is cut with an ellipsis past that.
     */
    static void fitTitleToPlot(XYChart chart) {
        int legend = 0;
        if (chart.getStyler().isLegendVisible() && chart.getStyler().getLegendPosition() == org.knowm.xchart.style.Styler.LegendPosition.OutsideE) {
            for (XYSeries s : chart.getSeriesMap().values()) if (s.isShowInLegend()) legend = Math.max(legend, plainWidth(s.getName()) + 50);
        }
        fitTitle(chart, WIDTH - legend - 16);
    }

    /** The title in the largest type, 14 down to 9 points, whose measured width (with a margin) fits {@code room}; cut past that. */
    private static void fitTitle(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, int room) {
        String title = chart.getTitle();
        int size = 14;
        while (size > 9 && 1.15 * width(title, size) > room) size--;
        while (title.length() > 10 && 1.15 * width(title, size) > room) title = title.substring(0, title.length() - 2) + "\u2026";
        chart.setTitle(title);
        chart.getStyler().setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, size));
    }

    private static int plainWidth(String text) {
        synchronized (MEASURE) {
            return MEASURE.getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11)).stringWidth(text);
        }
    }

    /** A bar chart of counts or values by category (e.g. rejects by reason), horizontal labels shortened to fit. */
    public static String bars(String title, String xLabel, String yLabel, Map<String, Double> values) {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        fitTitle(chart, WIDTH - 16); // no legend: the plot has the chart's width
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setSeriesColors(new Color[] {colour(0)});
        List<String> labels = new java.util.ArrayList<>();
        for (String k : values.keySet()) labels.add(k.length() > 28 ? k.substring(0, 27) + "\u2026" : k);
        // equal shortened labels would merge: number them
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < labels.size(); i++) if (!seen.add(labels.get(i))) labels.set(i, labels.get(i) + " " + (i + 1));
        chart.addSeries(yLabel, labels, new java.util.ArrayList<>(values.values()));
        return encoded(chart);
    }

    private static XYChart chart(String title, String x, String y) {
        // the title is fitted when the chart is drawn (png), once its legend is known
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    /**
     * A chart shows at most about this many observed markers: beyond it each scatter series keeps every k-th of its points (in
     * their order, so a run's checkpoints stay spread along it) and the title says so. Thousands of markers hid the lines they
     * were drawn under, and made a figure's vector file megabytes.
     */
    static final int MAX_MARKERS = 600;

    /** Thins the chart's scatter series to {@link #MAX_MARKERS}; returns k (1: nothing thinned). */
    static int thin(XYChart chart) {
        int markers = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Scatter) markers += s.getXData().length;
        }
        if (markers <= MAX_MARKERS) return 1;
        int every = (markers + MAX_MARKERS - 1) / MAX_MARKERS;
        for (XYSeries s : List.copyOf(chart.getSeriesMap().values())) {
            if (s.getXYSeriesRenderStyle() != XYSeries.XYSeriesRenderStyle.Scatter) continue;
            double[] x = s.getXData(), y = s.getYData();
            int kept = (x.length + every - 1) / every;
            double[] tx = new double[kept], ty = new double[kept];
            for (int i = 0, k = 0; i < x.length; i += every, k++) {
                tx[k] = x[i];
                ty[k] = y[i];
            }
            chart.updateXYSeries(s.getName(), tx, ty, null);
        }
        chart.setTitle(chart.getTitle() + " [1 in " + every + " of " + markers + " points]");
        return every;
    }

    static String png(XYChart chart) {
        thin(chart);
        fitTitleToPlot(chart);
        return encoded(chart);
    }

    /**
     * A drawn chart as base64 PNG for the page and, while a report saves its figures, as an SVG file beside it. While a page is
     * being written ({@link Pending}) both are made on another core (one task per chart, so one chart object is never drawn on
     * two threads at once) and a placeholder stands in for the picture until the page is complete.
     */
    private static String encoded(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        Pending pending = Pending.CURRENT.get();
        Figures figures = Figures.CURRENT.get();
        String name = figures == null ? null : figures.nextName();
        String picture;
        if (pending != null) {
            picture = pending.submit(chart, figures, name);
        } else {
            picture = pngBase64(chart);
            if (name != null) figures.write(chart, name);
        }
        if (name != null) figures.named(picture, name);
        return picture;
    }

    private static String pngBase64(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            return Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A page's pictures encoded in parallel: rasterising and compressing a chart is most of a report's time (about 60% of
     * the downstream report's samples), and the charts are independent. {@link #open} on the thread writing a page, then
     * {@link #resolve} puts each picture in place of its placeholder (a token with a per-page random part, which page text
     * cannot contain), and {@link #close}.
     */
    static final class Pending {
        private static final ThreadLocal<Pending> CURRENT = new ThreadLocal<>();
        private final String nonce = java.util.UUID.randomUUID().toString();
        private final java.util.concurrent.ExecutorService pool;
        private final java.util.Map<String, java.util.concurrent.Future<String>> byToken = new java.util.LinkedHashMap<>();

        private Pending() {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "lawfit-report-png-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        static void open() {
            CURRENT.set(new Pending());
        }

        static void close() {
            Pending p = CURRENT.get();
            CURRENT.remove();
            if (p != null) p.pool.shutdownNow();
        }

        private String submit(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Figures figures, String name) {
            String token = "lawfit-png-" + nonce + "-" + byToken.size();
            byToken.put(token, pool.submit(() -> {
                String png = pngBase64(chart);
                if (name != null) figures.write(chart, name);
                return png;
            }));
            return token;
        }

        /** The page with every placeholder replaced by its picture (waiting for those still being encoded). */
        static String resolve(CharSequence page) {
            Pending p = CURRENT.get();
            if (p == null || p.byToken.isEmpty()) return page.toString();
            StringBuilder out = new StringBuilder(page.length() + 1024);
            String text = page.toString(), prefix = "lawfit-png-" + p.nonce + "-";
            int at = 0;
            for (int i = text.indexOf(prefix); i >= 0; i = text.indexOf(prefix, at)) {
                int end = i + prefix.length();
                while (end < text.length() && Character.isDigit(text.charAt(end))) end++;
                out.append(text, at, i).append(p.base64(text.substring(i, end)));
                at = end;
            }
            return out.append(text, at, text.length()).toString();
        }

        private String base64(String token) {
            java.util.concurrent.Future<String> f = byToken.get(token);
            if (f == null) return token;
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while drawing the report's charts", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) throw r;
                throw new IllegalStateException("a chart could not be drawn: " + cause.getMessage(), cause);
            }
        }
    }

    static String human(double n) {
        return n >= 1e15 ? String.format("%.3g", n) : n >= 1e12 ? String.format("%.3gT", n / 1e12) : n >= 1e9 ? String.format("%.3gB", n / 1e9) : n >= 1e6 ? String.format("%.3gM", n / 1e6) : String.format("%.3g", n);
    }

    /**
     * Every chart of a report also as a vector file for papers: while a report is written, each chart drawn is saved as
     * {@code figure-NNN.pdf} (or {@code .svg}) in the report's figures directory, and the page links each picture to its file.
     * PDF is the default: LaTeX includes it as it is, and it costs a third of SVG's time (the SVG writer turns every outline
     * coordinate of the chart's text into a string through one shared number format, so SVG figures are also written one at a
     * time: that format is not safe on two threads).
     */
    static final class Figures {
        /** The vector formats a report can write its figures in. */
        enum Format { PDF, SVG }

        private static final ThreadLocal<Figures> CURRENT = new ThreadLocal<>();
        private static final Object SVG_WRITER = new Object();
        private final java.nio.file.Path dir;
        private final Format format;
        private final java.util.Map<String, String> byPng = new java.util.IdentityHashMap<>();
        private int count;

        private Figures(java.nio.file.Path dir, Format format) {
            this.dir = dir;
            this.format = format;
        }

        /** Starts saving the charts drawn on this thread to {@code dir} (emptied of earlier figures first). */
        static void open(java.nio.file.Path dir, Format format) {
            try {
                java.nio.file.Files.createDirectories(dir);
                try (var old = java.nio.file.Files.newDirectoryStream(dir, "figure-*.{svg,pdf}")) {
                    for (java.nio.file.Path f : old) java.nio.file.Files.delete(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CURRENT.set(new Figures(dir, format));
        }

        static void close() {
            CURRENT.remove();
        }

        /** The vector file of a picture drawn while a report was being written (its name relative to the page), or null. */
        static String fileOf(String picture) {
            Figures f = CURRENT.get();
            if (f == null) return null;
            synchronized (f) {
                return f.byPng.get(picture);
            }
        }

        /** The next figure's file name, in the order the page draws its charts. */
        String nextName() {
            return String.format(java.util.Locale.ROOT, "figure-%03d.%s", ++count, format.name().toLowerCase(java.util.Locale.ROOT));
        }

        /** The page's picture (its base64 or its placeholder) stands for the figure {@code name}. */
        synchronized void named(String picture, String name) {
            byPng.put(picture, dir.getFileName() + "/" + name);
        }

        void write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String name) {
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(dir.resolve(name)))) {
                if (format == Format.SVG) {
                    synchronized (SVG_WRITER) {
                        org.knowm.xchart.VectorGraphicsEncoder.saveVectorGraphic(chart, out, org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                    }
                } else {
                    org.knowm.xchart.VectorGraphicsEncoder.saveVectorGraphic(chart, out, org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat.PDF);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
