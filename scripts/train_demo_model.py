#!/usr/bin/python3
"""Trains Adeline's bundled demo detector on frames of the synthetic scene and exports it to ONNX.

The model is a small anchor-free detector (3 levels, strides 8/16/32, 2100 anchor points at 320x320)
whose exported graph already decodes boxes, so it has the Ultralytics YOLOv8 I/O contract:

    input  images   float32 [1, 3, 320, 320]  RGB, 0..1, letterboxed with pad value 114
    output output0  float32 [1, 6, 2100]      rows cx, cy, w, h (input pixels), then per-class
                                              sigmoid scores for 0 person, 1 fallen_person

Data comes from scripts/make-demo-dataset.ts (images.u8 + labels.json). Run with Debian's python
(/usr/bin/python3, python3-torch, python3-onnx, python3-numpy); it runs on the CPU only and downloads
nothing. See models/README.md for the exact commands.
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # no busy-waiting threads on a shared machine
import torch  # noqa: E402
import torch.nn as nn
import torch.nn.functional as F

NAMES = ['person', 'fallen_person']
NC = len(NAMES)
IMGSZ = 320
STRIDES = (8, 16, 32)
# Task-aligned assignment (YOLOv8): positives per box, and the weights of score and IoU.
TOPK, ALPHA, BETA = 10, 0.5, 6.0
BOX_GAIN = 5.0
# Rows kept while most of training runs (the last part trains on the full input).
CROP = (32, 288)


def conv(ci, co, k=3, s=1):
    return nn.Sequential(nn.Conv2d(ci, co, k, s, (k - 1) // 2, bias=False), nn.BatchNorm2d(co),
                         nn.ReLU(inplace=True))


class Res(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv(c, c, 3)

    def forward(self, x):
        return x + self.conv(x)


def head(ci):
    out = nn.Conv2d(ci, 4 + NC, 1)
    nn.init.zeros_(out.bias)
    with torch.no_grad():
        out.bias[4:] = -4.6  # class prior 0.01
    return out


def make_anchors(height=IMGSZ, width=IMGSZ):
    xs, ys, ss = [], [], []
    for s in STRIDES:
        gy, gx = torch.meshgrid(torch.arange(height // s), torch.arange(width // s), indexing='ij')
        xs.append((gx.flatten() + 0.5) * s)
        ys.append((gy.flatten() + 0.5) * s)
        ss.append(torch.full((gx.numel(),), float(s)))
    return torch.cat(xs), torch.cat(ys), torch.cat(ss)


class DemoDetector(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv(3, 16, 4, 4)  # patchify: 80x80 without a 160x160 layer
        self.s3 = nn.Sequential(conv(16, 32, 3, 2), Res(32))
        self.s4 = nn.Sequential(conv(32, 64, 3, 2), Res(64))
        self.s5 = nn.Sequential(conv(64, 96, 3, 2), Res(96))
        self.lat5 = conv(96, 64, 1)
        self.n4 = conv(64, 64, 3)
        self.lat4 = conv(64, 32, 1)
        self.n3 = conv(32, 32, 3)
        self.h3 = head(32)
        self.h4 = head(64)
        self.h5 = head(96)
        ax, ay, st = make_anchors()
        self.register_buffer('ax', ax)
        self.register_buffer('ay', ay)
        self.register_buffer('st', st)
        self._anchors = {}

    def raw(self, x):
        """[B, 4 + NC, 2100]: ltrb distances (before softplus, in strides) and class logits."""
        p3 = self.s3(self.stem(x))
        p4 = self.s4(p3)
        p5 = self.s5(p4)
        n4 = self.n4(p4 + F.interpolate(self.lat5(p5), scale_factor=2.0, mode='nearest'))
        n3 = self.n3(p3 + F.interpolate(self.lat4(n4), scale_factor=2.0, mode='nearest'))
        outs = [self.h3(n3), self.h4(n4), self.h5(p5)]
        return torch.cat([o.flatten(2) for o in outs], 2)

    def anchors(self, height, width):
        """Anchor points (x, y, stride) for an input of this size (training crops are smaller)."""
        if height == IMGSZ and width == IMGSZ:
            return self.ax, self.ay, self.st
        key = (height, width)
        if key not in self._anchors:
            self._anchors[key] = make_anchors(height, width)
        return self._anchors[key]

    @staticmethod
    def boxes(raw, anchors):
        """Corner boxes [B, A, 4] in input pixels from raw distances."""
        ax, ay, st = anchors
        d = F.softplus(raw[:, :4]) * st
        return torch.stack([ax - d[:, 0], ay - d[:, 1], ax + d[:, 2], ay + d[:, 3]], 2)


class Exported(nn.Module):
    """The ONNX graph: decode inside, YOLOv8 output layout [1, 4 + NC, N]."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, images):
        raw = self.m.raw(images)
        d = F.softplus(raw[:, :4]) * self.m.st
        cx = self.m.ax + (d[:, 2] - d[:, 0]) * 0.5
        cy = self.m.ay + (d[:, 3] - d[:, 1]) * 0.5
        w = d[:, 0] + d[:, 2]
        h = d[:, 1] + d[:, 3]
        return torch.cat([torch.stack([cx, cy, w, h], 1), torch.sigmoid(raw[:, 4:])], 1)


# ---------------------------------------------------------------- data

def pad_geometry(width, height):
    r = min(IMGSZ / width, IMGSZ / height)
    rw, rh = max(1, min(IMGSZ, round(width * r))), max(1, min(IMGSZ, round(height * r)))
    return (IMGSZ - rw) // 2, (IMGSZ - rh) // 2, rw, rh


class Dataset:
    def __init__(self, folder):
        meta = json.load(open(os.path.join(folder, 'labels.json')))
        assert meta['imgsz'] == IMGSZ, 'dataset imgsz differs from the model input'
        self.items = meta['items']
        self.seeds = meta['seeds']
        self.images = np.fromfile(os.path.join(folder, 'images.u8'), dtype=np.uint8).reshape(
            len(self.items), IMGSZ, IMGSZ, 3)
        self.boxes = [np.array(it['boxes'], dtype=np.float32).reshape(-1, 5) for it in self.items]
        self.pads = [pad_geometry(it['width'], it['height']) for it in self.items]

    def __len__(self):
        return len(self.items)

    def batch(self, idx, rng=None, crop=False):
        """Images [B, 3, H, W] in 0..1 and boxes; rng: augment; crop: rows 32..288 only (all frames are
        landscape, so the picture lies inside; 20% cheaper than the full 320x320)."""
        x = torch.from_numpy(np.ascontiguousarray(self.images[idx]))
        x = x.permute(0, 3, 1, 2).float().div_(255.0)
        targets = [torch.from_numpy(self.boxes[i].copy()) for i in idx]
        if rng is not None:
            for b, i in enumerate(idx):
                px, py, rw, rh = self.pads[i]
                gain = torch.from_numpy(rng.uniform(0.7, 1.3, size=(3, 1, 1)).astype(np.float32))
                bias = float(rng.uniform(-0.12, 0.12))
                img = (x[b, :, py:py + rh, px:px + rw] * gain + bias)
                if rng.random() < 0.3:
                    img = img + torch.randn_like(img) * float(rng.uniform(0.0, 0.04))
                x[b, :, py:py + rh, px:px + rw] = img.clamp_(0, 1)
                if rng.random() < 0.5:
                    x[b] = x[b].flip(2)
                    t = targets[b]
                    if len(t):
                        x1 = IMGSZ - t[:, 3]
                        x2 = IMGSZ - t[:, 1]
                        t[:, 1], t[:, 3] = x1, x2
        if crop:
            x = x[:, :, CROP[0]:CROP[1]].contiguous()
            for t in targets:
                t[:, 2] -= CROP[0]
                t[:, 4] -= CROP[0]
        return x, targets


# ---------------------------------------------------------------- loss

def box_iou_pairs(a, b):
    """IoU and GIoU of matching rows of a and b ([N, 4] corners)."""
    ix1, iy1 = torch.max(a[:, 0], b[:, 0]), torch.max(a[:, 1], b[:, 1])
    ix2, iy2 = torch.min(a[:, 2], b[:, 2]), torch.min(a[:, 3], b[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - inter + 1e-7
    iou = inter / union
    cw = torch.max(a[:, 2], b[:, 2]) - torch.min(a[:, 0], b[:, 0])
    ch = torch.max(a[:, 3], b[:, 3]) - torch.min(a[:, 1], b[:, 1])
    hull = cw * ch + 1e-7
    return iou, iou - (hull - union) / hull


def pairwise_iou(a, b):
    """IoU matrix [len(a), len(b)] of corner boxes."""
    ix1 = torch.max(a[:, None, 0], b[None, :, 0])
    iy1 = torch.max(a[:, None, 1], b[None, :, 1])
    ix2 = torch.min(a[:, None, 2], b[None, :, 2])
    iy2 = torch.min(a[:, None, 3], b[None, :, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-7)


def assign(anchors, gt, pred_boxes, pred_scores):
    """Task-aligned assignment (as YOLOv8's TaskAlignedAssigner): for each truth box, the TOPK anchors
    inside it with the best score^ALPHA * IoU^BETA of their own prediction become positives; an
    anchor claimed by several boxes keeps the one it overlaps most. Returns (anchor indices,
    gt indices, soft class targets)."""
    ax, ay, st = anchors
    x1, y1, x2, y2 = gt[:, 1:2], gt[:, 2:3], gt[:, 3:4], gt[:, 4:5]
    inside = (ax > x1) & (ax < x2) & (ay > y1) & (ay < y2)
    # thin boxes between anchor rows: anchors within half a stride of the box count as inside
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    near = ((ax - cx).abs() < torch.maximum((x2 - x1) / 2, 0.5 * st)) & \
        ((ay - cy).abs() < torch.maximum((y2 - y1) / 2, 0.5 * st))
    cand = inside | near
    ious = pairwise_iou(gt[:, 1:5], pred_boxes)  # [G, A]
    scores = pred_scores[:, gt[:, 0].long()].T  # [G, A]
    metric = scores.pow(ALPHA) * ious.pow(BETA) * cand
    k = min(TOPK, metric.shape[1])
    top = metric.topk(k, dim=1).indices
    mask = torch.zeros_like(cand)
    mask.scatter_(1, top, True)
    mask &= cand
    # an anchor claimed by several boxes keeps the box it overlaps most
    multi = mask.sum(0) > 1
    if multi.any():
        best = ious.argmax(0)
        mask[:, multi] = False
        mask[best[multi], multi.nonzero().squeeze(1)] = True
    gi, ai = mask.nonzero(as_tuple=True)
    m = metric[gi, ai]
    max_metric = torch.zeros(len(gt)).index_reduce_(0, gi, m, 'amax', include_self=False)
    max_iou = torch.zeros(len(gt)).index_reduce_(0, gi, ious[gi, ai], 'amax', include_self=False)
    target = m / (max_metric[gi] + 1e-9) * max_iou[gi]
    return ai, gi, target


def assign_static(anchors, gt):
    """Centre-sampling assignment (used for the first stage of the committed model): anchors inside
    the box, within 2.5 strides of its centre, at the levels whose size range fits the box; an
    anchor inside several boxes keeps the smallest. Soft targets are filled in by compute_loss."""
    ax, ay, st = anchors
    x1, y1, x2, y2 = gt[:, 1:2], gt[:, 2:3], gt[:, 3:4], gt[:, 4:5]
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    side = torch.max(x2 - x1, y2 - y1)
    inside = (ax > x1) & (ax < x2) & (ay > y1) & (ay < y2)
    near = ((ax - cx).abs() < 2.5 * st) & ((ay - cy).abs() < 2.5 * st)
    lo, hi = torch.empty_like(st), torch.empty_like(st)
    for s, (a, b) in zip(STRIDES, ((0, 80), (40, 170), (110, 1e9))):
        lo[st == s], hi[st == s] = a, b
    in_scale = (side >= lo) & (side <= hi)
    cand = inside & near & in_scale
    empty = ~cand.any(1)
    if empty.any():
        nearest = ((ax - cx) ** 2 + (ay - cy) ** 2 + (~in_scale) * 1e9).argmin(1)
        cand[empty, nearest[empty]] = True
    cost = torch.where(cand, ((x2 - x1) * (y2 - y1)).expand_as(cand), torch.tensor(float('inf')))
    best_cost, best_gt = cost.min(0)
    pos = torch.isfinite(best_cost)
    return pos.nonzero().squeeze(1), best_gt[pos]


def compute_loss(model, x, targets, assigner='tal'):
    raw = model.raw(x)
    anchors = model.anchors(x.shape[2], x.shape[3])
    boxes = model.boxes(raw, anchors)  # [B, A, 4]
    logits = raw[:, 4:].permute(0, 2, 1)  # [B, A, NC]
    tcls = torch.zeros_like(logits)
    box_losses = []
    npos = 0
    for b, gt in enumerate(targets):
        if len(gt) == 0:
            continue
        with torch.no_grad():
            if assigner == 'tal':
                ai, gi, t = assign(anchors, gt, boxes[b].detach(), logits[b].detach().sigmoid())
            else:
                ai, gi = assign_static(anchors, gt)
                t = box_iou_pairs(boxes[b, ai], gt[gi, 1:5])[0].clamp(min=0.05)
        if len(ai) == 0:
            continue
        _, giou = box_iou_pairs(boxes[b, ai], gt[gi, 1:5])
        box_losses.append(((1.0 - giou) * (t if assigner == 'tal' else 1.0)).sum())
        tcls[b, ai, gt[gi, 0].long()] = t
        npos += len(ai)
    # tal: normalised by the sum of the soft targets (YOLOv8); static: by the positive count
    norm = max(tcls.sum().item() if assigner == 'tal' else npos, 1.0)
    gain = BOX_GAIN if assigner == 'tal' else 2.5
    cls_loss = F.binary_cross_entropy_with_logits(logits, tcls, reduction='sum') / norm
    box_loss = torch.stack(box_losses).sum() / norm if box_losses else raw.sum() * 0
    return cls_loss + gain * box_loss, cls_loss.item(), box_loss.item()


# ---------------------------------------------------------------- evaluation

def nms(boxes, scores, iou_thr):
    order = scores.argsort()[::-1]
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        rest = order[1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        area = lambda bb: (bb[..., 2] - bb[..., 0]) * (bb[..., 3] - bb[..., 1])
        iou = inter / (area(boxes[i]) + area(boxes[rest]) - inter + 1e-9)
        order = rest[iou <= iou_thr]
    return keep


def iou_matrix(a, b):
    ix1 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy1 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix2 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    bb = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (aa[:, None] + bb[None, :] - inter + 1e-9)


def decode_yolov8(out, conf=0.25, iou_thr=0.45):
    """out [4 + NC, N] -> list of (cls, score, x1, y1, x2, y2), per-class NMS (like src/inference)."""
    dets = []
    for c in range(NC):
        s = out[4 + c]
        m = s >= conf
        if not m.any():
            continue
        cx, cy, w, h = out[0, m], out[1, m], out[2, m], out[3, m]
        bx = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
        sc = s[m]
        for k in nms(bx, sc, iou_thr):
            dets.append((c, float(sc[k]), *bx[k].tolist()))
    return dets


def match_counts(dets, gt, iou_thr=0.5):
    """Greedy per-class matching by confidence; returns (tp, fp, fn) per class."""
    res = np.zeros((NC, 3), dtype=np.int64)
    for c in range(NC):
        d = sorted([x for x in dets if x[0] == c], key=lambda x: -x[1])
        g = gt[gt[:, 0] == c, 1:5]
        used = np.zeros(len(g), dtype=bool)
        tp = 0
        if len(d) and len(g):
            ious = iou_matrix(np.array([x[2:] for x in d]), g)
            for k in range(len(d)):
                cand = np.where(~used & (ious[k] >= iou_thr))[0]
                if len(cand):
                    used[cand[ious[k, cand].argmax()]] = True
                    tp += 1
        res[c] = (tp, len(d) - tp, len(g) - tp)
    return res


def evaluate(run_batch, ds, limit=None, bs=32):
    """Precision/recall at IoU 0.5, conf 0.25, NMS 0.45; run_batch maps [B,3,H,W] -> [B,4+NC,N]."""
    n = len(ds) if limit is None else min(limit, len(ds))
    counts = np.zeros((NC, 3), dtype=np.int64)
    for i in range(0, n, bs):
        idx = np.arange(i, min(n, i + bs))
        x, targets = ds.batch(idx)
        out = run_batch(x)
        for b, j in enumerate(idx):
            counts += match_counts(decode_yolov8(out[b]), ds.boxes[j])
    tp, fp, fn = counts.sum(0)
    prec = tp / max(1, tp + fp)
    rec = tp / max(1, tp + fn)
    return prec, rec, counts


def torch_runner(model):
    def run(x):
        with torch.no_grad():
            return Exported(model)(x).numpy()
    return run


# ---------------------------------------------------------------- export

def export_onnx(model, path):
    import onnx
    model.eval()
    tmp = path + '.tmp'
    torch.onnx.export(Exported(model), torch.zeros(1, 3, IMGSZ, IMGSZ), tmp, opset_version=17,
                      input_names=['images'], output_names=['output0'], do_constant_folding=True)
    m = onnx.load(tmp)
    os.remove(tmp)
    meta = {
        'description': 'Adeline demo detector: person and fallen_person in the built-in synthetic scene only',
        'author': 'Adeline project',
        'license': 'Apache-2.0',
        'version': '1',
        'task': 'detect',
        'stride': str(max(STRIDES)),
        'batch': '1',
        'imgsz': str([IMGSZ, IMGSZ]),
        'names': str({i: n for i, n in enumerate(NAMES)}),
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.producer_name = 'adeline/scripts/train_demo_model.py'
    onnx.checker.check_model(m)
    onnx.save(m, path)
    print(f'exported {path}: {os.path.getsize(path)} bytes, IR {m.ir_version}, opset {m.opset_import[0].version}',
          flush=True)


# ---------------------------------------------------------------- main

def checkpoint(model, val, step, best, path):
    """Evaluates on the validation frames; saves the weights when F1 is the best so far."""
    p, r, c = evaluate(torch_runner(model), val)
    f1 = 2 * p * r / max(1e-9, p + r)
    print(f'eval step {step}: precision {p:.4f} recall {r:.4f} tp/fp/fn per class {c.tolist()}', flush=True)
    if f1 >= best:
        torch.save(model.state_dict(), path)
        return f1
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default='var/demo-dataset/train')
    ap.add_argument('--val', default='var/demo-dataset/val')
    ap.add_argument('--out', default='models/adeline-demo.onnx')
    ap.add_argument('--ckpt', default='var/demo-dataset/demo-model.pt')
    ap.add_argument('--steps', type=int, default=0, help='training steps; 0: train until --cpu-minutes or --wall-minutes runs out')
    ap.add_argument('--cpu-minutes', type=float, default=40.0, help='CPU time budget (all threads)')
    ap.add_argument('--wall-minutes', type=float, default=60.0, help='wall-clock budget (a busy machine)')
    ap.add_argument('--assigner', choices=['tal', 'static'], default='tal',
                    help='tal: task-aligned (YOLOv8); static: centre sampling (stage 1)')
    ap.add_argument('--init', default='', help='start from these weights (fine-tuning)')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--eval-every', type=int, default=300)
    ap.add_argument('--export-only', action='store_true', help='export --ckpt to --out without training')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = DemoDetector()
    val = Dataset(args.val) if os.path.exists(os.path.join(args.val, 'labels.json')) else None

    if args.export_only:
        model.load_state_dict(torch.load(args.ckpt))
        model.eval()
        if val is not None:
            p, r, c = evaluate(torch_runner(model), val)
            print(f'val precision {p:.4f} recall {r:.4f} per-class tp/fp/fn {c.tolist()}', flush=True)
        export_onnx(model, args.out)
        return

    if args.init:
        model.load_state_dict(torch.load(args.init))
    train = Dataset(args.data)
    print(f'train {len(train)} frames (seeds {train.seeds[0]}..{train.seeds[-1]}), '
          f'val {len(val) if val else 0}, params {sum(p.numel() for p in model.parameters())}', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    ema = copy.deepcopy(model).eval()
    budget = args.cpu_minutes * 60
    started = time.time()
    cpu0 = time.process_time()
    step = 0
    best = -1.0
    while True:
        frac = step / args.steps if args.steps else max((time.process_time() - cpu0) / budget,
                                                       (time.time() - started) / (args.wall_minutes * 60))
        if frac >= 1:
            break
        warm = min(1.0, (step + 1) / 100)
        lr = args.lr * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g['lr'] = lr
        model.train()
        idx = rng.integers(0, len(train), size=args.batch)
        x, targets = train.batch(idx, rng, crop=frac < 0.85)
        loss, lc, lb = compute_loss(model, x, targets, args.assigner)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        step += 1
        with torch.no_grad():
            d = 0.999 * (1 - math.exp(-step / 300))
            for e, m in zip(ema.state_dict().values(), model.state_dict().values()):
                if e.dtype.is_floating_point:
                    e.mul_(d).add_(m.detach(), alpha=1 - d)
                else:
                    e.copy_(m)
        if step % 25 == 0:
            print(f'step {step} ({frac * 100:.0f}%) lr {lr:.5f} loss {loss.item():.4f} cls {lc:.4f} '
                  f'box {lb:.4f} {time.time() - started:.0f}s wall {time.process_time() - cpu0:.0f}s cpu', flush=True)
        if val is not None and step % args.eval_every == 0:
            best = checkpoint(ema, val, step, best, args.ckpt)
    print(f'trained {step} steps of {args.batch} frames in {(time.time() - started) / 60:.1f} min wall, '
          f'{(time.process_time() - cpu0) / 60:.1f} min cpu', flush=True)
    if val is not None:
        best = checkpoint(ema, val, step, best, args.ckpt)
    if val is None:
        torch.save(ema.state_dict(), args.ckpt)
    model.load_state_dict(torch.load(args.ckpt))
    model.eval()
    export_onnx(model, args.out)
    print(f'done in {(time.time() - started) / 60:.1f} min', flush=True)


if __name__ == '__main__':
    main()
