"""GF-CF (Shen et al., 2021), computed exactly: the reference bench:parity calibrates the withheld Gowalla test with.

score(u) = r_u R̃ᵀR̃ + w · r_u D_i^-½ V_k V_kᵀ D_i^½, with R̃ = D_u^-½ R D_i^-½ (binary R) and V_k the top-k right
singular vectors of R̃ — the published configuration (k = 256, w = 0.3), whose Gowalla result on the LightGCN
split's test part is Recall@20 0.1849, NDCG@20 0.1518. Training items are excluded; every user with test items is
scored with full ranking (Recall@20 = hits / |test|, NDCG@20 with the ideal over min(|test|, 20)), as edgerec's
evaluator does.

Usage: python3 gfcf.py TRAIN TEST [k] [w]   (files of "user item" lines). Prints one JSON object.
Needs numpy and scipy; exits 3 with a line on stderr when they are missing.
"""
import json
import sys
import time

try:
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds
except ImportError as e:  # the bench reports the run as skipped
    print(f"gfcf: needs numpy and scipy ({e})", file=sys.stderr)
    sys.exit(3)


def read_pairs(path):
    users, items = [], []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                users.append(p[0])
                items.append(p[1])
    return users, items


def main():
    train_path, test_path = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    w = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
    started = time.time()
    tu, ti = read_pairs(train_path)
    su, si = read_pairs(test_path)
    user_ids = {u: n for n, u in enumerate(dict.fromkeys(tu + su))}
    item_ids = {i: n for n, i in enumerate(dict.fromkeys(ti + si))}
    nu, ni = len(user_ids), len(item_ids)

    def matrix(us, its):
        m = sp.csr_matrix((np.ones(len(us), np.float32), ([user_ids[u] for u in us], [item_ids[i] for i in its])), shape=(nu, ni))
        m.data[:] = 1  # binary: duplicates count once
        return m

    R, T = matrix(tu, ti), matrix(su, si)
    du, di = np.asarray(R.sum(1)).ravel(), np.asarray(R.sum(0)).ravel()
    inv_u = np.where(du > 0, 1 / np.sqrt(np.maximum(du, 1)), 0)
    inv_i = np.where(di > 0, 1 / np.sqrt(np.maximum(di, 1)), 0).astype(np.float32)
    sqrt_i = np.sqrt(di).astype(np.float32)
    norm = (sp.diags(inv_u) @ R @ sp.diags(inv_i)).tocsr()
    _, _, vt = svds(norm.astype(np.float64), k=min(k, min(nu, ni) - 1))
    vt = vt.astype(np.float32)
    norm = norm.astype(np.float32)
    norm_t = norm.T.tocsr()
    users = np.where(np.diff(T.indptr) > 0)[0]
    disc = 1 / np.log2(np.arange(2, 22))
    recall = ndcg = 0.0
    for b in range(0, len(users), 1000):
        batch = users[b : b + 1000]
        rows = R[batch]
        scores = ((rows @ norm_t) @ norm).toarray() + w * (((rows @ sp.diags(inv_i)) @ vt.T) @ vt) * sqrt_i
        scores[rows.nonzero()] = -np.inf
        top = np.argpartition(-scores, 20, axis=1)[:, :20]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), 1), 1)
        for r, u in enumerate(batch):
            held = set(T.indices[T.indptr[u] : T.indptr[u + 1]].tolist())
            hits = np.fromiter((x in held for x in top[r]), float, 20)
            recall += hits.sum() / len(held)
            ndcg += (hits * disc).sum() / disc[: min(len(held), 20)].sum()
    n = max(1, len(users))
    print(json.dumps({"run": "gfcf", "recall@20": round(recall / n, 4), "ndcg@20": round(ndcg / n, 4), "users": int(len(users)), "k": k, "w": w, "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
