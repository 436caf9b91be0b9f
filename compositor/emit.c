/* Emitting a wl_signal whose listeners may add or remove other listeners while it runs. */
#include "emit.h"

static void skip(struct wl_listener *listener, void *data)
{
	(void)listener;
	(void)data;
}

void signal_emit_mutable(struct wl_signal *signal, void *data)
{
	struct wl_list *list = &signal->listener_list;
	if (list->next == list)
		return;
	if (list->next->next == list) {
		/* One listener: nothing is walked after it, whatever it does to the list. */
		struct wl_listener *only = wl_container_of(list->next, only, link);
		only->notify(only, data);
		return;
	}
	/* Two markers of our own: `next` walks the list just ahead of the listener being called,
	 * `last` stops the walk before listeners added during it. Neither can be removed by anyone
	 * else, so the walk never leaves this list. */
	struct wl_listener next = {.notify = skip}, last = {.notify = skip};
	wl_list_insert(&signal->listener_list, &next.link);
	wl_list_insert(signal->listener_list.prev, &last.link);
	while (next.link.next != &last.link) {
		struct wl_listener *listener = wl_container_of(next.link.next, listener, link);
		wl_list_remove(&next.link);
		wl_list_insert(&listener->link, &next.link);
		listener->notify(listener, data);
	}
	wl_list_remove(&next.link);
	wl_list_remove(&last.link);
}
