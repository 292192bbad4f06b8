/* Map operations shared by dpsim-testrun and dpsim-loader (see mapio.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "mapio.h"

bool mapio_is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

size_t mapio_value_bytes(const struct bpf_map *map, int ncpus)
{
	size_t size = bpf_map__value_size(map);
	if (mapio_is_percpu(bpf_map__type(map)))
		return ((size + 7) & ~(size_t)7) * (size_t)ncpus;
	return size;
}

int mapio_decode_sized(const char *hex, size_t want, const char *what, uint8_t **bytes, struct strbuf *out)
{
	size_t len;
	*bytes = hex_decode(hex, &len);
	if (!*bytes) {
		sb_addf(out, "bad hex for %s", what);
		return EINVAL;
	}
	if (len != want) {
		free(*bytes);
		*bytes = NULL;
		sb_addf(out, "%s must be %zu bytes, got %zu", what, want, len);
		return EINVAL;
	}
	return 0;
}

int mapio_failed(int ret, const char *what, const char *map, struct strbuf *out)
{
	int err = ret < 0 ? -ret : EIO;
	sb_addf(out, "%s on %s: %s", what, map, error_text(err));
	return err;
}

int mapio_update(struct bpf_map *map, int ncpus, const char *name, const char *keyhex, const char *valuehex,
		 uint64_t flags, struct strbuf *out)
{
	uint8_t *key = NULL, *value = NULL;
	int err = mapio_decode_sized(keyhex, bpf_map__key_size(map), "key", &key, out);
	if (!err)
		err = mapio_decode_sized(valuehex, mapio_value_bytes(map, ncpus), "value", &value, out);
	if (!err) {
		int ret = bpf_map_update_elem(bpf_map__fd(map), key, value, flags);
		if (ret)
			err = mapio_failed(ret, "update", name, out);
	}
	free(key);
	free(value);
	return err;
}

int mapio_lookup(struct bpf_map *map, int ncpus, const char *name, const char *keyhex, struct strbuf *out)
{
	uint8_t *key = NULL;
	int err = mapio_decode_sized(keyhex, bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	size_t size = mapio_value_bytes(map, ncpus);
	uint8_t *value = calloc(1, size + 1);
	int ret = bpf_map_lookup_elem(bpf_map__fd(map), key, value);
	if (ret)
		err = mapio_failed(ret, "lookup", name, out);
	else
		sb_add_hex(out, value, size);
	free(key);
	free(value);
	return err;
}

int mapio_delete(struct bpf_map *map, const char *name, const char *keyhex, struct strbuf *out)
{
	uint8_t *key = NULL;
	int err = mapio_decode_sized(keyhex, bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	int ret = bpf_map_delete_elem(bpf_map__fd(map), key);
	if (ret)
		err = mapio_failed(ret, "delete", name, out);
	free(key);
	return err;
}

int mapio_dump(struct bpf_map *map, int ncpus, const char *name, struct strbuf *out)
{
	int fd = bpf_map__fd(map), err = 0, ret;
	size_t key_size = bpf_map__key_size(map), size = mapio_value_bytes(map, ncpus);
	uint8_t *key = calloc(1, key_size + 1), *next = calloc(1, key_size + 1);
	uint8_t *value = calloc(1, size + 1);
	struct strbuf entries = {0};
	bool first = true;
	while ((ret = bpf_map_get_next_key(fd, first ? NULL : key, next)) == 0) {
		first = false;
		memcpy(key, next, key_size);
		ret = bpf_map_lookup_elem(fd, key, value);
		if (ret == -ENOENT) /* an empty slot of a prog/map array, or deleted meanwhile (LRU) */
			continue;
		if (ret) {
			err = mapio_failed(ret, "lookup", name, out);
			break;
		}
		sb_addf(&entries, "%s", entries.len ? " " : "");
		sb_add_hex(&entries, key, key_size);
		sb_addf(&entries, "=");
		sb_add_hex(&entries, value, size);
	}
	if (!err && ret != -ENOENT)
		err = mapio_failed(ret, "dump", name, out);
	if (!err && entries.len)
		sb_addf(out, "%s", entries.buf);
	sb_free(&entries);
	free(key);
	free(next);
	free(value);
	return err;
}

int mapio_patch_initial(struct bpf_map *map, uint64_t offset, const char *hex, struct strbuf *out)
{
	size_t size = 0;
	const void *initial = bpf_map__initial_value(map, &size);
	if (!initial) {
		sb_addf(out, "map %s is not a global-data map", bpf_map__name(map));
		return EINVAL;
	}
	size_t len;
	uint8_t *bytes = hex_decode(hex, &len);
	if (!bytes) {
		sb_addf(out, "bad hex");
		return EINVAL;
	}
	if (offset + len > size) {
		free(bytes);
		sb_addf(out, "offset %llu + %zu bytes is past the end of %s (%zu bytes)",
			(unsigned long long)offset, len, bpf_map__name(map), size);
		return EINVAL;
	}
	uint8_t *patched = malloc(size);
	memcpy(patched, initial, size);
	memcpy(patched + offset, bytes, len);
	int err = bpf_map__set_initial_value(map, patched, size);
	free(patched);
	free(bytes);
	if (err) {
		sb_addf(out, "cannot set initial value of %s", bpf_map__name(map));
		return -err;
	}
	return 0;
}
