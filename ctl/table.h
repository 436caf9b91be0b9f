/* multiseatctl's output: aligned tables, text made safe for terminals, sizes and durations. */
#ifndef MULTISEAT_CTL_TABLE_H
#define MULTISEAT_CTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Text from the daemon as the terminal may show it: control characters (C0, DEL, C1) and
 * bytes that are not UTF-8 become '?'. The caller frees it; NULL when out of memory.
 */
char *ctl_printable(const char *text);
/* Characters, not bytes, for columns that line up with names beyond ASCII. */
size_t ctl_text_width(const char *text);

#define CTL_TABLE_COLUMNS_MAX 12

/*
 * Rows of cells; a zero-initialized struct with `columns` (at most CTL_TABLE_COLUMNS_MAX)
 * set is an empty table.
 */
struct ctl_table {
	size_t columns;
	size_t rows, capacity;
	char **cells; /* rows * columns, printable */
	bool failed;  /* out of memory: a row was dropped */
};

/* Adds a row of `columns` cells (NULL shows as "-"), made printable. */
void ctl_table_add(struct ctl_table *table, const char *const *row);
/* Each row after `indent`, two spaces between columns; the last one is not padded. */
void ctl_table_print(const struct ctl_table *table, FILE *out, const char *indent);
void ctl_table_finish(struct ctl_table *table);

/*
 * Bytes as people read them, in powers of 1024 like multiseat.conf's sizes: "512" below
 * 1K, else one decimal below 10 of the unit ("1.5G") and whole units above ("123M"), and
 * no decimal when exact ("2G"). POLICY-style "max" is the caller's.
 */
void ctl_format_size(int64_t bytes, char *out, size_t size);
/*
 * A duration: "12s" below a minute ("12.3s" with `tenths`, for CPU time), then "4m 05s",
 * "2h 03m", "3d 04h". Negative, NaN or absurdly long ones give "-".
 */
void ctl_format_duration(double seconds, bool tenths, char *out, size_t size);

#endif
