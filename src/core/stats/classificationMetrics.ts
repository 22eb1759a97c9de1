/** Precision, recall and F1 of one class, or an average of them. */
export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassMetrics extends PRF {
  class: string;
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  per_class: ClassMetrics[];
  macro_avg: PRF;
  weighted_avg: PRF;
}

/**
 * Per-class precision, recall, F1 and support from a confusion matrix (rows = reference,
 * columns = compared), with macro and support-weighted averages and accuracy — as
 * scikit-learn's precision_recall_fscore_support(zero_division=0) over the union of classes.
 */
export function classificationMetrics(classes: readonly string[], matrix: readonly (readonly number[])[]): ClassificationMetrics {
  const k = classes.length;
  let total = 0;
  let correct = 0;
  const rowSum = new Array<number>(k).fill(0);
  const colSum = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      total += v;
      rowSum[i]! += v;
      colSum[j]! += v;
      if (i === j) correct += v;
    }
  }
  const per_class = classes.map((c, i) => {
    const tp = matrix[i]![i]!;
    const precision = colSum[i]! > 0 ? tp / colSum[i]! : 0;
    const recall = rowSum[i]! > 0 ? tp / rowSum[i]! : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: c, precision, recall, f1, support: rowSum[i]! };
  });
  const mean = (key: keyof PRF, weight: (m: ClassMetrics) => number) => {
    const wsum = per_class.reduce((s, m) => s + weight(m), 0);
    return wsum === 0 ? 0 : per_class.reduce((s, m) => s + m[key] * weight(m), 0) / wsum;
  };
  const avg = (weight: (m: ClassMetrics) => number): PRF => ({ precision: mean('precision', weight), recall: mean('recall', weight), f1: mean('f1', weight) });
  return {
    accuracy: total === 0 ? Number.NaN : correct / total,
    per_class,
    macro_avg: avg(() => 1),
    weighted_avg: avg((m) => m.support),
  };
}
