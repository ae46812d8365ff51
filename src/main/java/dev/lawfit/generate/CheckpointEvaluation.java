package dev.lawfit.generate;

/**
 * One row of the checkpoint-evaluation contract as the generator writes it. Boxed where the contract
 * allows a null, so generated bad rows can carry one; {@code flops} is null to let lawfit derive 6ND.
 */
public record CheckpointEvaluation(String runId, String model, String dataset, String tokenizer, String evalDataset,
                                   Double params, Double tokens, Long step, Double flops, Double loss,
                                   Integer nLayers, Integer dModel, Integer nHeads, Integer contextLength, Double error) {

    CheckpointEvaluation withModel(String value) {
        return new CheckpointEvaluation(runId, value, dataset, tokenizer, evalDataset, params, tokens, step, flops, loss, nLayers, dModel, nHeads, contextLength, error);
    }

    CheckpointEvaluation withParams(Double value) {
        return new CheckpointEvaluation(runId, model, dataset, tokenizer, evalDataset, value, tokens, step, flops, loss, nLayers, dModel, nHeads, contextLength, error);
    }

    CheckpointEvaluation withTokens(Double value) {
        return new CheckpointEvaluation(runId, model, dataset, tokenizer, evalDataset, params, value, step, flops, loss, nLayers, dModel, nHeads, contextLength, error);
    }

    CheckpointEvaluation withLoss(Double value) {
        return new CheckpointEvaluation(runId, model, dataset, tokenizer, evalDataset, params, tokens, step, flops, value, nLayers, dModel, nHeads, contextLength, error);
    }

    CheckpointEvaluation asTask(String task, double taskLoss, double taskError) {
        return new CheckpointEvaluation(runId, model, dataset, tokenizer, task, params, tokens, step, flops, taskLoss, nLayers, dModel, nHeads, contextLength, taskError);
    }

    CheckpointEvaluation withFlops(Double value) {
        return new CheckpointEvaluation(runId, model, dataset, tokenizer, evalDataset, params, tokens, step, value, loss, nLayers, dModel, nHeads, contextLength, error);
    }
}
