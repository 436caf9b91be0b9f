/* Connector names: the kernel's "<type>-<type id>", and multiseat's, which survive reboots. */
#include "gpu.h"

#include <errno.h>
#include <stdio.h>
#include <xf86drmMode.h>

int gpu_connector_format_name(char *buf, size_t size, uint32_t connector_type, uint32_t index)
{
	const char *type = drmModeGetConnectorTypeName(connector_type);
	int n = snprintf(buf, size, "%s-%u", type != NULL ? type : "Unknown", index);
	if (n < 0 || (size_t)n >= size) {
		return -ENOSPC;
	}
	return 0;
}

unsigned int gpu_connector_card_index(const struct gpu_connector_ref *connectors, size_t count,
				      size_t which)
{
	if (which >= count) {
		return 0;
	}
	const struct gpu_connector_ref *self = &connectors[which];
	unsigned int index = 1;
	for (size_t i = 0; i < count; i++) {
		if (i != which && connectors[i].type == self->type && connectors[i].id < self->id) {
			index++;
		}
	}
	return index;
}

int gpu_connector_name(char *buf, size_t size, const struct gpu_connector_ref *connectors,
		       size_t count, size_t which)
{
	if (which >= count) {
		return -EINVAL;
	}
	return gpu_connector_format_name(buf, size, connectors[which].type,
					 gpu_connector_card_index(connectors, count, which));
}
