package dev.lawfit.fit

import breeze.linalg.DenseVector
import breeze.optimize.{DiffFunction, LBFGSB}

/**
 * The only Scala in lawfit. Breeze's DiffFunction cannot be implemented from Java (two inherited
 * `apply` methods clash under erasure), so this object adapts a Java [[DifferentiableObjective]]
 * over double[] and runs Breeze's bounded L-BFGS (L-BFGS-B) on it.
 */
object BreezeBoundedLbfgs {

  def minimize(objective: DifferentiableObjective, start: Array[Double], lower: Array[Double],
               upper: Array[Double], settings: LbfgsSettings): OptimizerOutcome = {
    var evaluations = 0
    val diff = new DiffFunction[DenseVector[Double]] {
      def calculate(x: DenseVector[Double]): (Double, DenseVector[Double]) = {
        evaluations += 1
        val point = if (x.offset == 0 && x.stride == 1 && x.data.length == x.length) x.data else x.toArray
        // Breeze keeps the gradient in its state, so each evaluation hands over a fresh array.
        val gradient = new Array[Double](point.length)
        val value = objective.valueAndGradient(point, gradient)
        (value, DenseVector(gradient))
      }
    }
    val optimizer = new LBFGSB(DenseVector(lower.clone()), DenseVector(upper.clone()),
      settings.maxIterations, settings.memory, settings.tolerance, settings.maxLineSearchSteps,
      settings.maxLineSearchSteps)
    val states = optimizer.iterations(diff, DenseVector(start.clone()))
    var bestX = start.clone()
    var bestValue = Double.PositiveInfinity
    var iterations = 0
    var reason = "max_iterations"
    try {
      while (states.hasNext) {
        val state = states.next()
        iterations = state.iter
        if (state.value <= bestValue && !state.value.isNaN) {
          bestValue = state.value
          bestX = state.x.toArray
        }
        state.convergenceReason.foreach(r => reason = r.reason)
      }
    } catch {
      // Breeze signals a failed line search by throwing, and asserts on step bounds when a start sits on a
      // bound; either way the best point reached so far stands, and the reason is recorded.
      case e: Exception => reason = "stopped: " + e.getClass.getSimpleName
      case e: AssertionError => reason = "stopped: " + e.getMessage
    }
    new OptimizerOutcome(bestX, bestValue, iterations, evaluations, reason)
  }
}
