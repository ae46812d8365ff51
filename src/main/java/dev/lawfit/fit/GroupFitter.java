package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits every law to one group's points. A law that cannot be fitted is recorded with its status and
 * message; it never stops the other laws or the group.
 */
public final class GroupFitter {

    /** The group's points in canonical order, and one fit per law (predictions index into those points). */
    public record GroupFit(Points points, List<LawFit> fits) {
    }

    private final List<Law> laws;
    private final FitSettings settings;

    public GroupFitter(List<Law> laws, FitSettings settings) {
        this.laws = List.copyOf(laws);
        this.settings = settings;
    }

    public GroupFit fit(Points rawPoints) {
        Points points = rawPoints.canonicalOrder();
        List<LawFit> fits = new ArrayList<>(laws.size());
        for (Law law : laws) fits.add(fitOne(law, points));
        return new GroupFit(points, fits);
    }

    public LawFit fitOne(Law law, Points points) {
        return Fitter.fit(law, points, settings);
    }
}
