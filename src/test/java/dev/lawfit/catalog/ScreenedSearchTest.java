package dev.lawfit.catalog;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.ScreenedGridSearch;
import dev.lawfit.fit.Solution;
import dev.lawfit.fit.Solver;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screened grid search polishes by Levenberg-Marquardt for the laws that allow it; on generated data of every such law
 * of the catalog it reaches the optimum the L-BFGS-B search reaches, or a lower one, on every group.
 */
class ScreenedSearchTest {

    @Test
    void theLevenbergMarquardtSearchIsNeverWorseThanTheLbfgsSearch() {
        FitSettings settings = FitSettings.DEFAULT;
        List<String> worse = new ArrayList<>(), summary = new ArrayList<>();
        for (String name : LawCatalog.names()) {
            Law law = CatalogCases.law(name);
            if (Solver.of(law) != ScreenedGridSearch.INSTANCE || !law.gaussNewtonSearch()) continue;
            int lower = 0;
            for (long seed = 1; seed <= 15; seed++) {
                Points points = CatalogCases.generate(law, seed);
                Solution lm = ScreenedGridSearch.minimize(law, points, settings, null);
                Solution lbfgs = ScreenedGridSearch.minimizeByLbfgs(law, points, settings, null);
                double excess = (lm.objective() - lbfgs.objective()) / lbfgs.objective();
                if (excess > 1e-9) worse.add(name + " seed " + seed + ": " + lm.objective() + " vs " + lbfgs.objective());
                if (excess < -1e-9) lower++;
            }
            summary.add(name + ": lower than L-BFGS-B on " + lower + " of 15");
        }
        System.out.println(String.join("\n", summary));
        assertTrue(worse.isEmpty(), String.join("\n", worse));
    }
}
