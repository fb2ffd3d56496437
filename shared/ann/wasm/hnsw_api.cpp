// The C API of edgerec's HNSW module: hnswlib's HierarchicalNSW behind a handle, every entry point guarded so a
// C++ exception becomes an error code plus a message (hnsw_last_error) instead of a trap.
// Error codes: 0 ok, -1 internal, -2 capacity, -3 unknown label, -4 corrupt index, -5 bad params, -6 out of memory.

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <new>
#include <ostream>
#include <stdexcept>
#include <string>

// hnswlib prints warnings to std::cerr; the module has no stderr, so they go nowhere.
struct NullErrStream {
  template <typename T>
  NullErrStream &operator<<(const T &) { return *this; }
  NullErrStream &operator<<(std::ostream &(*)(std::ostream &)) { return *this; }
};
static NullErrStream hnsw_null_err;
#define HNSWLIB_ERR_OVERRIDE hnsw_null_err

#include "hnswlib.h"
#include "simd_space.h"
#include "hnsw_format.h"

#define API extern "C" __attribute__((used, visibility("default")))

/** The one import besides WASI stubs: asks JavaScript whether a label passes the current search filter. */
extern "C" __attribute__((import_module("env"), import_name("edgerec_filter"))) int edgerec_filter(double label);

namespace {

enum Code { OK = 0, INTERNAL = -1, CAPACITY = -2, UNKNOWN_LABEL = -3, CORRUPT = -4, BAD_PARAMS = -5, NO_MEMORY = -6 };

std::string last_error;

struct Index {
  edgerec::SimdSpace space;
  hnswlib::HierarchicalNSW<float> *alg = nullptr;
  size_t dim;
  Index(bool l2, size_t d) : space(l2, d), dim(d) {}
  ~Index() { delete alg; }
};

struct JsFilter : hnswlib::BaseFilterFunctor {
  bool operator()(hnswlib::labeltype label) override { return edgerec_filter((double)label) != 0; }
};

int fail(int code, const std::string &message) {
  last_error = message;
  return code;
}

// Runs `body`, turning every exception into a code and a message.
template <typename F>
int guarded(F body) {
  try {
    return body();
  } catch (const edgerec::CorruptIndex &e) {
    return fail(CORRUPT, e.what());
  } catch (const std::bad_alloc &) {
    return fail(NO_MEMORY, "out of memory");
  } catch (const std::length_error &e) {
    return fail(BAD_PARAMS, e.what());
  } catch (const std::exception &e) {
    std::string m = e.what();
    if (m.find("exceeds the specified limit") != std::string::npos) return fail(CAPACITY, m);
    if (m.find("Label not found") != std::string::npos) return fail(UNKNOWN_LABEL, m);
    return fail(INTERNAL, m);
  } catch (...) {
    return fail(INTERNAL, "unknown C++ exception");
  }
}

bool valid_params(int space, uint32_t dim, uint32_t M, uint32_t ef_construction) {
  return (space == 0 || space == 1) && dim >= 1 && dim <= 65536 && M >= 2 && M <= 10000 && ef_construction >= 1 &&
         ef_construction <= 1000000;
}

}  // namespace

API const char *hnsw_last_error() { return last_error.c_str(); }

/** A new index; space 0 = inner product (1 − dot), 1 = squared L2. Writes the handle to *out. */
API int hnsw_create(int space, uint32_t dim, uint32_t max_elements, uint32_t M, uint32_t ef_construction, uint32_t seed, Index **out) {
  return guarded([&] {
    if (!valid_params(space, dim, M, ef_construction) || max_elements < 1) return fail(BAD_PARAMS, "bad space, dim, max_elements, M or ef_construction");
    if (!edgerec::capacity_fits(max_elements, dim, M)) {
      return fail(BAD_PARAMS, "capacity " + std::to_string(max_elements) + " of dimension " + std::to_string(dim) + " does not fit in wasm32 memory");
    }
    Index *ix = new Index(space == 1, dim);
    try {
      ix->alg = new hnswlib::HierarchicalNSW<float>(&ix->space, max_elements, M, ef_construction, seed, true);
    } catch (...) {
      delete ix;
      throw;
    }
    *out = ix;
    return (int)OK;
  });
}

/** Reads hnswlib bytes (x86-64 layout); capacity is at least min_capacity. */
API int hnsw_deserialize(int space, uint32_t dim, const uint8_t *bytes, uint32_t len, uint32_t min_capacity, Index **out) {
  return guarded([&] {
    if (!valid_params(space, dim, 2, 1)) return fail(BAD_PARAMS, "bad space or dim");
    Index *ix = new Index(space == 1, dim);
    try {
      ix->alg = edgerec::deserialize(&ix->space, dim, bytes, len, min_capacity);
    } catch (...) {
      delete ix;
      throw;
    }
    *out = ix;
    return (int)OK;
  });
}

API void hnsw_destroy(Index *ix) { delete ix; }

/** Adds or replaces the point with this label; reuses the slot of a deleted point when the index is full. */
API int hnsw_add(Index *ix, const float *vector, double label_d) {
  return guarded([&] {
    auto *a = ix->alg;
    hnswlib::labeltype label = (hnswlib::labeltype)label_d;
    auto found = a->label_lookup_.find(label);
    if (found != a->label_lookup_.end()) {
      if (a->isMarkedDeleted(found->second)) a->unmarkDelete(label);
      a->addPoint(vector, label, false);  // an existing label: hnswlib updates the vector and repairs links
      return (int)OK;
    }
    if (a->cur_element_count >= a->max_elements_ && a->deleted_elements.empty()) {
      return fail(CAPACITY, "index is full: capacity " + std::to_string(a->max_elements_) + " points");
    }
    a->addPoint(vector, label, true);
    return (int)OK;
  });
}

API int hnsw_mark_deleted(Index *ix, double label) {
  return guarded([&] {
    auto *a = ix->alg;
    auto found = a->label_lookup_.find((hnswlib::labeltype)label);
    if (found == a->label_lookup_.end() || a->isMarkedDeleted(found->second)) {
      return fail(UNKNOWN_LABEL, "label " + std::to_string((unsigned long long)label) + " is not in the index");
    }
    a->markDelete((hnswlib::labeltype)label);
    return (int)OK;
  });
}

API int hnsw_set_ef(Index *ix, uint32_t ef) {
  if (ef < 1) return fail(BAD_PARAMS, "ef must be at least 1");
  ix->alg->setEf(ef);
  return OK;
}

API uint32_t hnsw_get_ef(Index *ix) { return (uint32_t)ix->alg->ef_; }
API uint32_t hnsw_get_m(Index *ix) { return (uint32_t)ix->alg->M_; }
API uint32_t hnsw_get_ef_construction(Index *ix) { return (uint32_t)ix->alg->ef_construction_; }
API uint32_t hnsw_capacity(Index *ix) { return (uint32_t)ix->alg->max_elements_; }
API uint32_t hnsw_size(Index *ix) { return (uint32_t)(ix->alg->cur_element_count - ix->alg->num_deleted_); }

/**
 * The k nearest points, nearest first: labels into out_labels (as doubles), distances into out_dist.
 * With use_filter, the import edgerec_filter decides which labels may be returned. Returns the count found.
 */
API int hnsw_search(Index *ix, const float *query, uint32_t k, int use_filter, double *out_labels, float *out_dist) {
  return guarded([&] {
    if (k < 1) return fail(BAD_PARAMS, "k must be at least 1");
    JsFilter filter;
    auto result = ix->alg->searchKnn(query, k, use_filter ? &filter : nullptr);
    int n = (int)result.size();
    for (int i = n - 1; i >= 0; i--) {
      out_labels[i] = (double)result.top().second;
      out_dist[i] = result.top().first;
      result.pop();
    }
    return n;
  });
}

/**
 * Distances (as search reports them) from `query` to the points with the given labels, with the SIMD distance:
 * an exact scan over a candidate set (a selective filter) without walking the graph. A label that is not in the
 * index, or deleted, gets NaN. Labels equal to their internal id (an index built in row order) skip the hash lookup.
 */
API int hnsw_distances(Index *ix, const float *query, const uint32_t *labels, uint32_t n, float *out) {
  return guarded([&] {
    auto *a = ix->alg;
    const size_t count = a->cur_element_count;
    for (uint32_t i = 0; i < n; i++) {
      const hnswlib::labeltype label = labels[i];
      hnswlib::tableint id;
      if (label < count && a->getExternalLabel((hnswlib::tableint)label) == label) {
        id = (hnswlib::tableint)label;
      } else {
        auto found = a->label_lookup_.find(label);
        if (found == a->label_lookup_.end()) {
          out[i] = NAN;
          continue;
        }
        id = found->second;
      }
      out[i] = a->isMarkedDeleted(id) ? NAN : a->fstdistfunc_(query, a->getDataByInternalId(id), a->dist_func_param_);
    }
    return (int)n;
  });
}

/** The serialized size in bytes; 0 (with hnsw_last_error set) when it would not fit in a wasm32 buffer. */
API uint32_t hnsw_serialized_size(Index *ix) {
  uint64_t size = edgerec::serialized_size(*ix->alg);
  if (size > 0xffffffffull) {
    last_error = "the serialized index would be " + std::to_string((unsigned long long)size) + " bytes, more than a wasm32 buffer holds";
    return 0;
  }
  return (uint32_t)size;
}

/** Writes hnsw_serialized_size() bytes into out. */
API int hnsw_serialize(Index *ix, uint8_t *out, uint32_t len) {
  return guarded([&] {
    if ((uint64_t)len != edgerec::serialized_size(*ix->alg)) return fail(BAD_PARAMS, "serialize buffer has the wrong size");
    edgerec::serialize_into(*ix->alg, out);
    return (int)OK;
  });
}
