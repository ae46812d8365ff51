package dev.lawfit.testing;

import dev.lawfit.law.Points;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Epoch's 245 digitised Chinchilla points read straight from the CSV (for core tests, without Spark),
 * with the 5 highest-loss points dropped as Epoch did, and D = C / (6 N).
 */
public final class EpochChinchillaPoints {

    private EpochChinchillaPoints() {
    }

    public static Points load() throws IOException {
        Path csv = SharedData.file("chinchilla_epoch_245.csv");
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int size = header.indexOf("Model Size");
        int flops = header.indexOf("Training FLOP");
        int loss = header.indexOf("loss");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            rows.add(new double[] {Double.parseDouble(cells[size]), Double.parseDouble(cells[flops]), Double.parseDouble(cells[loss])});
        }
        rows.sort(Comparator.comparingDouble((double[] r) -> r[2]).reversed());
        List<double[]> kept = rows.subList(5, rows.size());
        int n = kept.size();
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = kept.get(i);
            p[i] = r[0]; c[i] = r[1]; d[i] = r[1] / (6 * r[0]); l[i] = r[2];
        }
        return Points.of(p, d, c, l);
    }
}
