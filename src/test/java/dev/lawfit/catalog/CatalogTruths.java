package dev.lawfit.catalog;

import dev.lawfit.law.Law;

import java.util.Random;

/** The catalog cases' truths for tests outside this package: a law's known parameters, perturbed by up to 5%. */
public final class CatalogTruths {

    private CatalogTruths() {
    }

    public static double[] perturbed(Law law, Random random) {
        return CatalogCases.perturbed(CatalogCases.of(law).truth(), random, 0.05);
    }
}
