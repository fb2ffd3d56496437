// hnswlib's index file format, to and from memory, in the x86-64 layout: size_t fields and labels are 8 bytes
// (the build patches hnswlib's labeltype to a 64-bit integer, so each level-0 record already has that layout).
// The reader checks every field against the others and against the byte length before it trusts any of them,
// so truncated or corrupt bytes raise an error instead of reading outside the buffer or building a broken graph.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace edgerec {

using hnswlib::HierarchicalNSW;
using hnswlib::labeltype;
using hnswlib::linklistsizeint;
using hnswlib::tableint;

/** Thrown for bytes that are not a valid index of the expected dimension. */
struct CorruptIndex : std::runtime_error {
  explicit CorruptIndex(const std::string &m) : std::runtime_error(m) {}
};

static const size_t kHeaderBytes = 6 * 8 + 4 + 4 + 3 * 8 + 8 + 8;  // 96
static const uint64_t kMaxExactLabel = (1ull << 53);  // labels travel to JavaScript as doubles

static inline std::string num(uint64_t v) { return std::to_string((unsigned long long)v); }

static const uint64_t kMaxIndexBytes = 3ull << 30;  // what an index may take of wasm32's 4 GiB
static const uint64_t kPerElementOverhead = 64;      // link-list pointer, level, mutex, visited-list slot
static const uint64_t kHeadroomMin = 1024;           // capacity kept for items added after loading (item PUTs)

/** Bytes of one level-0 record: links (2M ids + a count), the vector, the 8-byte label. No overflow: M, dim bounded. */
static inline uint64_t record_bytes(uint64_t dim, uint64_t M) { return 2 * M * 4 + 4 + dim * 4 + 8; }

/**
 * Whether an index of this capacity fits in wasm32 memory. hnswlib sizes its buffers with size_t products, which
 * wrap around at 4 GiB in wasm32 and would allocate too little: refuse before any of them is computed. Compared by
 * division, so no 64-bit product can overflow whatever max_elements a file claims.
 */
static bool capacity_fits(uint64_t max_elements, uint64_t dim, uint64_t M) {
  if (M < 2 || M > 10000 || dim < 1 || dim > 65536) return false;
  return max_elements <= kMaxIndexBytes / (record_bytes(dim, M) + kPerElementOverhead);
}

/**
 * The most capacity a file of `count` elements gets: count + count/4 + 1024. A file's max_elements above this is
 * clamped to it, so a small file cannot claim (and make the host allocate) a huge index; the headroom leaves room
 * for items added after loading.
 */
static inline uint64_t capacity_bound(uint64_t count) { return count + count / 4 + kHeadroomMin; }

/** Bytes serialize_into writes, summed in 64 bits (a wasm32 size_t could wrap around near 4 GiB). */
static uint64_t serialized_size(const HierarchicalNSW<float> &a) {
  uint64_t n = a.cur_element_count;
  uint64_t total = kHeaderBytes + n * (uint64_t)a.size_data_per_element_ + n * 4;
  for (size_t i = 0; i < a.cur_element_count; i++) {
    if (a.element_levels_[i] > 0) total += (uint64_t)a.size_links_per_element_ * (uint64_t)a.element_levels_[i];
  }
  return total;
}

struct Writer {
  uint8_t *p;
  void bytes(const void *src, size_t n) {
    memcpy(p, src, n);
    p += n;
  }
  void u64(uint64_t v) { bytes(&v, 8); }
  void u32(uint32_t v) { bytes(&v, 4); }
};

/** Writes exactly serialized_size(a) bytes, field for field as hnswlib's saveIndex does on x86-64. */
static void serialize_into(const HierarchicalNSW<float> &a, uint8_t *out) {
  Writer w{out};
  size_t n = a.cur_element_count;
  w.u64(a.offsetLevel0_);
  w.u64(a.max_elements_);
  w.u64(n);
  w.u64(a.size_data_per_element_);
  w.u64(a.label_offset_);
  w.u64(a.offsetData_);
  int32_t maxlevel = a.maxlevel_;
  w.bytes(&maxlevel, 4);
  w.u32(a.enterpoint_node_);
  w.u64(a.maxM_);
  w.u64(a.maxM0_);
  w.u64(a.M_);
  w.bytes(&a.mult_, 8);
  w.u64(a.ef_construction_);
  w.bytes(a.data_level0_memory_, n * a.size_data_per_element_);
  for (size_t i = 0; i < n; i++) {
    uint32_t size = a.element_levels_[i] > 0 ? (uint32_t)(a.size_links_per_element_ * a.element_levels_[i]) : 0;
    w.u32(size);
    if (size) w.bytes(a.linkLists_[i], size);
  }
}

struct Reader {
  const uint8_t *p;
  size_t len;
  size_t pos = 0;
  void need(uint64_t n, const char *what) {
    if (n > (uint64_t)(len - pos)) throw CorruptIndex("truncated: " + std::string(what) + " at byte " + num(pos) + " needs " + num(n) + " bytes, " + num(len - pos) + " left");
  }
  uint64_t u64(const char *what) {
    need(8, what);
    uint64_t v;
    memcpy(&v, p + pos, 8);
    pos += 8;
    return v;
  }
  uint32_t u32(const char *what) {
    need(4, what);
    uint32_t v;
    memcpy(&v, p + pos, 4);
    pos += 4;
    return v;
  }
  double f64(const char *what) {
    need(8, what);
    double v;
    memcpy(&v, p + pos, 8);
    pos += 8;
    return v;
  }
};

struct Header {
  uint64_t max_elements, count, M, ef_construction;
  int32_t maxlevel;
  uint32_t enterpoint;
  double mult;
};

/** Reads and cross-checks the header; `dim` is what the caller expects the vectors to be. */
static Header read_header(Reader &r, size_t dim) {
  Header h;
  uint64_t offset_level0 = r.u64("offsetLevel0");
  h.max_elements = r.u64("max_elements");
  h.count = r.u64("cur_element_count");
  uint64_t size_per_element = r.u64("size_data_per_element");
  uint64_t label_offset = r.u64("label_offset");
  uint64_t offset_data = r.u64("offsetData");
  h.maxlevel = (int32_t)r.u32("maxlevel");
  h.enterpoint = r.u32("enterpoint_node");
  uint64_t maxM = r.u64("maxM");
  uint64_t maxM0 = r.u64("maxM0");
  h.M = r.u64("M");
  h.mult = r.f64("mult");
  h.ef_construction = r.u64("ef_construction");

  if (offset_level0 != 0) throw CorruptIndex("offsetLevel0 is " + num(offset_level0) + ", expected 0");
  if (h.M < 2 || h.M > 10000) throw CorruptIndex("M is " + num(h.M) + ", expected 2..10000");
  if (maxM != h.M || maxM0 != 2 * h.M) throw CorruptIndex("maxM/maxM0 are " + num(maxM) + "/" + num(maxM0) + ", expected M and 2M with M = " + num(h.M));
  uint64_t links0 = maxM0 * sizeof(tableint) + sizeof(linklistsizeint);
  if (offset_data != links0) throw CorruptIndex("offsetData is " + num(offset_data) + ", expected " + num(links0) + " for M = " + num(h.M));
  if (label_offset < offset_data || (label_offset - offset_data) % 4 != 0 || label_offset - offset_data > 4 * 65536) {
    throw CorruptIndex("label_offset " + num(label_offset) + " is inconsistent with offsetData " + num(offset_data));
  }
  uint64_t file_dim = (label_offset - offset_data) / 4;
  if (file_dim != dim) throw CorruptIndex("the index holds vectors of dimension " + num(file_dim) + ", expected " + num(dim));
  if (size_per_element != label_offset + sizeof(labeltype)) {
    throw CorruptIndex("size_data_per_element is " + num(size_per_element) + ", expected " + num(label_offset + 8) + " (8-byte labels, x86-64 layout)");
  }
  if (h.count > h.max_elements) throw CorruptIndex("cur_element_count " + num(h.count) + " exceeds max_elements " + num(h.max_elements));
  if (!capacity_fits(h.max_elements, dim, h.M)) {
    throw CorruptIndex("max_elements " + num(h.max_elements) + " does not fit in wasm32 memory (at most " +
                       num(kMaxIndexBytes / (record_bytes(dim, h.M) + kPerElementOverhead)) + " for dimension " + num(dim) + " and M " + num(h.M) + ")");
  }
  if (!(h.mult > 0) || !isfinite(h.mult) || fabs(h.mult * log((double)h.M) - 1.0) > 1e-6) {
    throw CorruptIndex("mult is " + std::to_string(h.mult) + ", expected 1/ln(M) for M = " + num(h.M));
  }
  if (h.ef_construction < 1 || h.ef_construction > 1000000) throw CorruptIndex("ef_construction " + num(h.ef_construction) + " is out of range");
  if (h.count == 0) {
    if (h.maxlevel != -1 || h.enterpoint != 0xffffffffu) throw CorruptIndex("an empty index must have maxlevel -1 and no enterpoint");
  } else {
    if (h.maxlevel < 0 || h.maxlevel > 1000) throw CorruptIndex("maxlevel " + std::to_string(h.maxlevel) + " is out of range");
    if (h.enterpoint >= h.count) throw CorruptIndex("enterpoint_node " + num(h.enterpoint) + " is not an element (count " + num(h.count) + ")");
  }
  return h;
}

static void check_links(const uint8_t *list, size_t maxM, uint64_t self, uint64_t count, const std::vector<int> &levels, int level) {
  uint16_t n;
  memcpy(&n, list, 2);
  if (n > maxM) throw CorruptIndex("element " + num(self) + " has " + num(n) + " links at level " + std::to_string(level) + ", more than " + num(maxM));
  if (list[3] != 0 || (level == 0 ? list[2] > 1 : list[2] != 0)) throw CorruptIndex("element " + num(self) + " has a bad link-list header at level " + std::to_string(level));
  for (size_t j = 0; j < n; j++) {
    tableint id;
    memcpy(&id, list + 4 + 4 * j, 4);
    if (id >= count || id == self) throw CorruptIndex("element " + num(self) + " links to " + num(id) + " at level " + std::to_string(level) + ", not a valid neighbour");
    if (levels[id] < level) throw CorruptIndex("element " + num(self) + " links to " + num(id) + " at level " + std::to_string(level) + ", above that element's level");
  }
}

/**
 * Builds an index from hnswlib bytes. `space` must outlive it. Capacity is the larger of `min_capacity` and the
 * file's max_elements clamped to capacity_bound(element count). Deleted points stay deleted; their slots are reused by later adds.
 */
static HierarchicalNSW<float> *deserialize(hnswlib::SpaceInterface<float> *space, size_t dim, const uint8_t *bytes, size_t len, size_t min_capacity) {
  Reader r{bytes, len};
  Header h = read_header(r, dim);
  const uint64_t per_element64 = record_bytes(dim, h.M);
  // count <= max_elements, which fits in 3 GiB of records: the product below cannot overflow, and the division
  // refuses a count the bytes cannot hold before any buffer is sized by it.
  if (h.count > (uint64_t)(len - r.pos) / per_element64) {
    throw CorruptIndex("truncated: " + num(h.count) + " level-0 records of " + num(per_element64) + " bytes need more than the " + num(len - r.pos) + " bytes left");
  }
  size_t count = (size_t)h.count;
  size_t per_element = (size_t)per_element64;
  r.need((uint64_t)count * per_element, "level-0 records");
  const uint8_t *level0 = bytes + r.pos;
  r.pos += count * per_element;

  // First pass: link-list sizes give each element's level; the total must match the byte length exactly.
  size_t links_per_level = h.M * 4 + 4;
  std::vector<int> levels(count);
  std::vector<size_t> list_at(count);
  int top = -1;
  for (size_t i = 0; i < count; i++) {
    uint32_t size = r.u32("link-list size");
    if (size % links_per_level != 0) throw CorruptIndex("element " + num(i) + " has a link-list size " + num(size) + " that is not a multiple of " + num(links_per_level));
    levels[i] = (int)(size / links_per_level);
    if (levels[i] > h.maxlevel) throw CorruptIndex("element " + num(i) + " has level " + std::to_string(levels[i]) + " above maxlevel " + std::to_string(h.maxlevel));
    if (levels[i] > top) top = levels[i];
    r.need(size, "link lists");
    list_at[i] = r.pos;
    r.pos += size;
  }
  if (r.pos != len) throw CorruptIndex(num(len - r.pos) + " bytes follow the last link list; the index is " + num(r.pos) + " bytes");
  if (count > 0 && (top != h.maxlevel || levels[h.enterpoint] != h.maxlevel)) throw CorruptIndex("maxlevel or enterpoint_node does not match the element levels");

  // Second pass: every link, label and vector component.
  std::vector<uint64_t> labels(count);
  for (size_t i = 0; i < count; i++) {
    const uint8_t *rec = level0 + i * per_element;
    check_links(rec, 2 * h.M, i, count, levels, 0);
    for (int l = 1; l <= levels[i]; l++) check_links(bytes + list_at[i] + (l - 1) * links_per_level, h.M, i, count, levels, l);
    for (size_t d = 0; d < dim; d++) {
      float x;
      memcpy(&x, rec + 2 * h.M * 4 + 4 + d * 4, 4);
      if (!isfinite(x)) throw CorruptIndex("element " + num(i) + " has a non-finite vector component");
    }
    memcpy(&labels[i], rec + per_element - 8, 8);
    if (labels[i] > kMaxExactLabel) throw CorruptIndex("element " + num(i) + " has label " + num(labels[i]) + ", above 2^53");
  }

  uint64_t file_capacity = h.max_elements < capacity_bound(h.count) ? h.max_elements : capacity_bound(h.count);
  uint64_t capacity64 = file_capacity > (uint64_t)min_capacity ? file_capacity : (uint64_t)min_capacity;
  if (!capacity_fits(capacity64, dim, h.M)) throw std::length_error("capacity " + num(capacity64) + " does not fit in wasm32 memory");
  size_t capacity = (size_t)capacity64;  // <= 3 GiB / record: no truncation to wasm32 size_t
  HierarchicalNSW<float> *a = new HierarchicalNSW<float>(space, capacity > 0 ? capacity : 1, h.M, h.ef_construction, 100, true);
  try {
    a->max_elements_ = capacity;
    a->ef_construction_ = h.ef_construction;
    a->mult_ = h.mult;
    a->revSize_ = 1.0 / h.mult;
    memcpy(a->data_level0_memory_, level0, count * per_element);
    for (size_t i = 0; i < count; i++) {
      a->element_levels_[i] = levels[i];
      a->linkLists_[i] = nullptr;
      if (levels[i] > 0) {
        size_t size = links_per_level * levels[i];
        a->linkLists_[i] = (char *)malloc(size);
        if (!a->linkLists_[i]) throw std::bad_alloc();
        memcpy(a->linkLists_[i], bytes + list_at[i], size);
      }
      a->cur_element_count = i + 1;  // so clear() frees what was allocated if a later step throws
      if (!a->label_lookup_.emplace(labels[i], (tableint)i).second) throw CorruptIndex("label " + num(labels[i]) + " appears twice");
      if (a->isMarkedDeleted((tableint)i)) {
        a->num_deleted_ += 1;
        a->deleted_elements.insert((tableint)i);
      }
    }
    a->maxlevel_ = h.maxlevel;
    a->enterpoint_node_ = h.enterpoint;
  } catch (...) {
    delete a;
    throw;
  }
  return a;
}

}  // namespace edgerec
