/* wl_data_device_manager: the clipboard inside the seat (drag and drop is refused cleanly). */
#ifndef MULTISEAT_COMPOSITOR_DATA_DEVICE_H
#define MULTISEAT_COMPOSITOR_DATA_DEVICE_H

struct server;
struct seat;

int data_device_manager_create(struct server *server);
/* Keyboard focus moved: the newly focused client is offered the current selection. */
void data_device_focus_changed(struct seat *seat);

#endif
