/**
 * BMNLoss (mmaction/models/losses/bmn_loss.py) and binary_logistic_regression_loss
 * (mmaction/models/losses/binary_logistic_regression_loss.py), the losses of the Boundary-Matching
 * Network ("BMN: Boundary-Matching Network for Temporal Action Proposal Generation", Lin et al.,
 * ICCV 2019):
 *
 * - tem loss: class-balanced binary logistic regression of the start and end probabilities;
 * - pem reg loss: MSE on the boundary-matching map's IoU channel over the high-IoU entries plus
 *   random subsets of the medium and low ones (drawn with `rand_like`, so the global torch seed
 *   decides it, as in MMAction2);
 * - pem cls loss: class-balanced log loss on the map's classification channel.
 *
 * The arithmetic follows PyTorch's (which operands are tensors, `max(sum, 1)`, `n / tensor` as
 * `reciprocal() * n`), so values match MMAction2 to float32 rounding.
 */
import * as torch from '../../torch/index.ts';

type Tensor = torch.Tensor;

/**
 * `binary_logistic_regression_loss(reg_score, label, threshold, ratio_range, eps)`: entries whose
 * label exceeds `threshold` are positives, weighted by `ratio / 2`, negatives by
 * `ratio / (2 (ratio - 1))`, where ratio = entries / positives clipped to `ratio_range`.
 */
export function binaryLogisticRegressionLoss(regScore: Tensor, label: Tensor, { threshold = 0.5, ratio_range = [1.05, 21] as readonly [number, number], eps = 1e-5 } = {}): Tensor {
  return torch.tidy(() => {
    const lab = label.reshape(-1).to({ device: regScore.device });
    const reg = regScore.contiguous().reshape(-1);
    const pmask = lab.gt(threshold).float();
    const positives = pmask.sum();
    const numEntries = lab.shape[0];
    // Python: max(sum, 1) keeps the tensor unless it is below 1; then int / tensor is reciprocal() * int.
    let ratio: Tensor | number = positives.item() < 1 ? numEntries / 1 : positives.reciprocal().mul(numEntries);
    // min(max(ratio, lo), hi): Python keeps the first argument on ties.
    const r = typeof ratio === 'number' ? ratio : ratio.item();
    if (ratio_range[0] > r) ratio = ratio_range[0];
    if (ratio_range[1] < (typeof ratio === 'number' ? ratio : r)) ratio = ratio_range[1];
    let coef0: Tensor | number;
    let coef1: Tensor | number;
    if (typeof ratio === 'number') {
      coef0 = (0.5 * ratio) / (ratio - 1);
      coef1 = 0.5 * ratio;
    } else {
      coef0 = ratio.mul(0.5).div(ratio.sub(1));
      coef1 = ratio.mul(0.5);
    }
    const pos = mulLeft(coef1, pmask).mul(reg.add(eps).log());
    const neg = mulLeft(coef0, pmask.rsub(1)).mul(reg.rsub(1).add(eps).log());
    return pos.add(neg).mean().neg();
  });
}

/** `coef * t` where coef is a Python number or a 0-dim tensor. */
function mulLeft(coef: Tensor | number, t: Tensor): Tensor {
  return typeof coef === 'number' ? t.mul(coef) : coef.mul(t);
}

export interface BMNLossWeights {
  /** Default 1.0. */
  weight_tem?: number;
  /** Default 10.0. */
  weight_pem_reg?: number;
  /** Default 1.0. */
  weight_pem_cls?: number;
}

/** BMNLoss takes no options (MMAction2's has none). */
export type BMNLossOptions = Record<string, never>;

/** The Boundary-Matching Network loss; `forward` returns `[loss, tem_loss, pem_reg_loss, pem_cls_loss]`. */
export class BMNLoss extends torch.nn.Module {
  /** tem_loss: the start and end binary logistic regression losses, summed. */
  static temLoss(predStart: Tensor, predEnd: Tensor, gtStart: Tensor, gtEnd: Tensor): Tensor {
    return torch.tidy(() => binaryLogisticRegressionLoss(predStart, gtStart).add(binaryLogisticRegressionLoss(predEnd, gtEnd)));
  }

  /**
   * pem_reg_loss: entries with IoU > high, plus the medium (low, high] and low (0, low] ones
   * (low ones inside `mask`), each subsampled at random to about as many as the high ones.
   */
  static pemRegLoss(predScore: Tensor, gtIouMap: Tensor, mask: Tensor, highTemporalIouThreshold = 0.7, lowTemporalIouThreshold = 0.3): Tensor {
    return torch.tidy(() => {
      const uH = gtIouMap.gt(highTemporalIouThreshold).float();
      const uM = gtIouMap.le(highTemporalIouThreshold).logicalAnd(gtIouMap.gt(lowTemporalIouThreshold)).float();
      const uL = gtIouMap.le(lowTemporalIouThreshold).logicalAnd(gtIouMap.gt(0)).float().mul(mask);
      const numH = uH.sum();
      const numM = uM.sum();
      const numL = uL.sum();
      const rM = numH.div(numM);
      const uSM = uM.mul(torch.randLike(gtIouMap)).gt(rM.rsub(1)).float();
      const rL = numH.div(numL);
      const uSL = uL.mul(torch.randLike(gtIouMap)).gt(rL.rsub(1)).float();
      const weights = uH.add(uSM).add(uSL);
      const mse = torch.F.mseLoss(predScore.mul(weights), gtIouMap.mul(weights));
      return mse.mul(torch.onesLike(weights)).sum().mul(0.5).div(weights.sum());
    });
  }

  /** pem_cls_loss: class-balanced log loss; positives have IoU > threshold, negatives the rest inside `mask`. */
  static pemClsLoss(predScore: Tensor, gtIouMap: Tensor, mask: Tensor, threshold = 0.9, ratioRange: readonly [number, number] = [1.05, 21], eps = 1e-5): Tensor {
    return torch.tidy(() => {
      const pmask = gtIouMap.gt(threshold).float();
      const nmask = gtIouMap.le(threshold).float().mul(mask);
      const positives = pmask.sum();
      // max(torch.sum(pmask), 1): the int 1 when there is no positive.
      const numPositive: Tensor | number = positives.item() < 1 ? 1 : positives;
      const numEntries = typeof numPositive === 'number' ? nmask.sum().add(numPositive) : numPositive.add(nmask.sum());
      const ratio = numEntries.div(numPositive).clamp(ratioRange[0], ratioRange[1]);
      const coef0 = ratio.mul(0.5).div(ratio.sub(1));
      const coef1 = ratio.mul(0.5);
      const lossPos = coef1.mul(predScore.add(eps).log()).mul(pmask);
      const lossNeg = coef0.mul(predScore.rsub(1).add(eps).log()).mul(nmask);
      return lossPos.add(lossNeg).sum().mul(-1).div(numEntries);
    });
  }

  /**
   * predBm: [N, 2, D, T] (reg, cls), predStart/predEnd: [N, T]; gtIouMap: [N, D, T],
   * gtStart/gtEnd: [N, T]; bmMask: [D, T]. Returns [loss, tem_loss, pem_reg_loss, pem_cls_loss].
   */
  forward(predBm: Tensor, predStart: Tensor, predEnd: Tensor, gtIouMap: Tensor, gtStart: Tensor, gtEnd: Tensor, bmMask: Tensor,
    { weight_tem = 1.0, weight_pem_reg = 10.0, weight_pem_cls = 1.0 }: BMNLossWeights = {}): [Tensor, Tensor, Tensor, Tensor] {
    if (predBm.ndim !== 4 || predBm.shape[1] !== 2) throw new RangeError(`BMNLoss: pred_bm must be [N, 2, D, T], got [${predBm.shape.join(', ')}]`);
    return torch.tidy(() => {
      const predReg = predBm.select(1, 0).contiguous(); // [N, D, T]
      const predCls = predBm.select(1, 1).contiguous(); // [N, D, T]
      const gt = gtIouMap.mul(bmMask);
      const reg = BMNLoss.pemRegLoss(predReg, gt, bmMask);
      const cls = BMNLoss.pemClsLoss(predCls, gt, bmMask);
      const tem = BMNLoss.temLoss(predStart, predEnd, gtStart, gtEnd);
      const loss = tem.mul(weight_tem).add(reg.mul(weight_pem_reg)).add(cls.mul(weight_pem_cls));
      return [loss, tem, reg, cls] as [Tensor, Tensor, Tensor, Tensor];
    });
  }
}

/** BinaryLogisticRegressionLoss: the module form of binaryLogisticRegressionLoss. */
export class BinaryLogisticRegressionLoss extends torch.nn.Module {
  forward(regScore: Tensor, label: Tensor, o: { threshold?: number; ratio_range?: readonly [number, number]; eps?: number } = {}): Tensor {
    return binaryLogisticRegressionLoss(regScore, label, o);
  }
}
