package dev.lawfit.fit;

import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Points;
import dev.lawfit.testing.EpochChinchillaPoints;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fitting core alone on Epoch's 240 Chinchilla points: Epoch's optimum, and not the known trap. */
class EpochChinchillaCoreTest {

    @Test
    void screenedGridReachesEpochsOptimum() throws Exception {
        Points points = EpochChinchillaPoints.load();
        LawFit fit = new GroupFitter(List.of(new ChinchillaLaw()), FitSettings.DEFAULT).fitOne(new ChinchillaLaw(), points);
        System.out.printf("epoch core fit: %s %s objective=%.9f evals=%d%n", fit.parameters(), fit.derived(), fit.objective(), fit.objectiveEvaluations());
        assertEquals(0.0010183, fit.objective(), 1e-7);
        assertEquals(1.8172, fit.parameters().get("E"), 0.01 * 1.8172);
        assertEquals(477.8, fit.parameters().get("A"), 0.01 * 477.8);
        assertEquals(2144, fit.parameters().get("B"), 0.01 * 2144);
        assertEquals(0.3473, fit.parameters().get("alpha"), 0.01 * 0.3473);
        assertEquals(0.3672, fit.parameters().get("beta"), 0.01 * 0.3672);
    }

    @Test
    void hoffmannsPublishedValuesAreNotMistakenForTheOptimum() throws Exception {
        Points points = EpochChinchillaPoints.load();
        ChinchillaLaw law = new ChinchillaLaw();
        double[] hoffmann = {Math.log(1.69), Math.log(406.4), Math.log(410.7), 0.34, 0.28};
        Solution fromTrap = ScreenedGridSearch.polish(law, points, FitSettings.DEFAULT, null, hoffmann);
        System.out.printf("from Hoffmann's values: objective=%.9f after %d iterations (%s)%n",
                fromTrap.objective(), fromTrap.iterations(), fromTrap.stopReason());
        assertTrue(fromTrap.objective() < 0.0010184, "stopped at " + fromTrap.objective());
    }
}
