package dev.lawfit.losstoloss;

import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.LossToLossArchive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossToLossFitTest {

    /** Pairs (x loss, y loss, params, tokens, dataset, model) of a generated archive. */
    record Pairs(double[] lx, double[] ly, double[] params, double[] tokens, String[] dataset, String[] model) {
    }

    static Pairs pairs(String lineFactor, java.util.function.Predicate<CheckpointEvaluation> keep) {
        List<CheckpointEvaluation> rows = LossToLossArchive.families(17, lineFactor);
        List<CheckpointEvaluation> x = new ArrayList<>(), y = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            if (!keep.test(rows.get(i))) continue;
            x.add(rows.get(i));
            y.add(rows.get(i + 1));
        }
        return new Pairs(x.stream().mapToDouble(CheckpointEvaluation::loss).toArray(), y.stream().mapToDouble(CheckpointEvaluation::loss).toArray(),
                x.stream().mapToDouble(CheckpointEvaluation::params).toArray(), x.stream().mapToDouble(CheckpointEvaluation::tokens).toArray(),
                x.stream().map(CheckpointEvaluation::dataset).toArray(String[]::new), x.stream().map(CheckpointEvaluation::model).toArray(String[]::new));
    }

    @Test
    void closedFormRecoversKAndKappaGivenTheIrreducibleLosses() {
        Random random = new Random(3);
        double[] lx = new double[40], ly = new double[40];
        LossToLossArchive.Line truth = LossToLossArchive.LINES[0];
        for (int i = 0; i < lx.length; i++) {
            lx[i] = 2.2 + 2 * random.nextDouble();
            ly[i] = truth.y(lx[i]);
        }
        ShiftedPowerLine line = LossToLossFit.withIrreducible(lx, ly, truth.ex(), truth.ey(), LossToLossFit.GIVEN);
        assertEquals(truth.k(), line.k(), 1e-9);
        assertEquals(truth.kappa(), line.kappa(), 1e-9);
        ShiftedPowerLine joint = LossToLossFit.joint(lx, ly);
        System.out.printf("joint on exact pairs: K %.4f kappa %.4f E_x %.4f E_y %.4f%n", joint.k(), joint.kappa(), joint.ex(), joint.ey());
        // E_x, E_y and kappa trade off along a shallow valley: the line is pinned down, each parameter less so
        assertEquals(truth.kappa(), joint.kappa(), 0.1);
        assertEquals(truth.ex(), joint.ex(), 0.2);
        assertEquals(truth.ey(), joint.ey(), 0.2);
        assertTrue(joint.rmse() < 1e-3, "rmse " + joint.rmse());
    }

    @Test
    void recoversTheLineOfAGeneratedFamilyFromNoisyPairs() {
        Pairs p = pairs("dataset", r -> r.dataset().equals("fineweb") && r.model().equals("llama"));
        LossToLossArchive.Line truth = LossToLossArchive.LINES[0];
        ShiftedPowerLine joint = LossToLossFit.joint(p.lx(), p.ly());
        IrreducibleLoss.Estimate ex = IrreducibleLoss.fromComputeFit(p.params(), p.tokens(), p.lx());
        assertTrue(ex.ok(), ex.message());
        System.out.printf("fineweb: joint K %.3f kappa %.3f E_x %.3f E_y %.3f; compute-fit E_x %.3f%n", joint.k(), joint.kappa(),
                joint.ex(), joint.ey(), ex.e());
        assertEquals(LossToLossArchive.E_X, ex.e(), 0.1, "E_x from the x loss's own compute fit");
        ShiftedPowerLine given = LossToLossFit.withIrreducible(p.lx(), p.ly(), ex.e(), truth.ey(), LossToLossFit.GIVEN);
        assertEquals(truth.kappa(), given.kappa(), 0.1);
        assertEquals(truth.k(), given.k(), 0.15);
        // predictions on the line are what matter: within 0.5% over the pairs
        for (int i = 0; i < p.lx().length; i++) assertEquals(truth.y(p.lx()[i]), joint.predict(p.lx()[i]), 0.005 * p.ly()[i]);
    }

    @Test
    void verdictsSayWhichFactorMovesTheLine() {
        for (String lineFactor : List.of("dataset", "model")) {
            Pairs p = pairs(lineFactor, r -> true);
            LineFactorTest.Result dataset = LineFactorTest.test("dataset", p.lx(), p.ly(), p.dataset());
            LineFactorTest.Result model = LineFactorTest.test("model", p.lx(), p.ly(), p.model());
            System.out.printf("line by %s: dataset %s (improvement %.3f, p %.2g), model %s (improvement %.3f, p %.2g)%n", lineFactor,
                    dataset.verdict(), dataset.improvement(), dataset.pValue(), model.verdict(), model.improvement(), model.pValue());
            assertEquals(lineFactor.equals("dataset") ? "moves_line" : "no_effect", dataset.verdict());
            assertEquals(lineFactor.equals("model") ? "moves_line" : "no_effect", model.verdict());
        }
        double[] one = {3, 3.1, 3.2, 3.3, 3.4};
        assertEquals("single_level", LineFactorTest.test("tokenizer", one, one, new String[] {"a", "a", "a", "a", "a"}).verdict());
    }
}
