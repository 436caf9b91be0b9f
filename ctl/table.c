/* multiseatctl's output: aligned tables, text made safe for terminals, sizes and durations. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

char *ctl_printable(const char *text)
{
	size_t length = strlen(text);
	char *out = malloc(length + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < length;) {
		uint32_t cp;
		size_t n = utf8_decode(text + i, length - i, &cp);
		/* Not UTF-8, or a control character (C0, DEL, and the C1 controls some terminals
		 * obey): one '?' each. */
		if (n == 0 || utf8_is_control(cp, false)) {
			out[o++] = '?';
			i += n ? n : 1;
			continue;
		}
		memcpy(out + o, text + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

size_t ctl_text_width(const char *s)
{
	size_t width = 0;
	for (; *s; s++)
		width += ((unsigned char)*s & 0xc0) != 0x80;
	return width;
}

void ctl_table_add(struct ctl_table *table, const char *const *row)
{
	if (table->columns > CTL_TABLE_COLUMNS_MAX)
		table->failed = true;
	if (table->failed)
		return;
	if (table->rows == table->capacity) {
		size_t capacity = table->capacity ? table->capacity * 2 : 16;
		char **cells = realloc(table->cells, capacity * table->columns * sizeof(*cells));
		if (cells == NULL) {
			table->failed = true;
			return;
		}
		table->cells = cells;
		table->capacity = capacity;
	}
	char **cells = &table->cells[table->rows * table->columns];
	for (size_t c = 0; c < table->columns; c++) {
		cells[c] = ctl_printable(row[c] ? row[c] : "-");
		if (cells[c] == NULL) {
			for (size_t k = 0; k < c; k++)
				free(cells[k]);
			table->failed = true;
			return;
		}
	}
	table->rows++;
}

void ctl_table_print(const struct ctl_table *table, FILE *out, const char *indent)
{
	size_t widths[CTL_TABLE_COLUMNS_MAX] = {0};
	for (size_t r = 0; r < table->rows; r++) {
		for (size_t c = 0; c < table->columns; c++) {
			size_t width = ctl_text_width(table->cells[r * table->columns + c]);
			if (width > widths[c])
				widths[c] = width;
		}
	}
	for (size_t r = 0; r < table->rows; r++) {
		fputs(indent, out);
		for (size_t c = 0; c < table->columns; c++) {
			const char *cell = table->cells[r * table->columns + c];
			fputs(cell, out);
			if (c + 1 < table->columns) {
				for (size_t pad = ctl_text_width(cell); pad < widths[c] + 2; pad++)
					fputc(' ', out);
			}
		}
		fputc('\n', out);
	}
}

void ctl_table_finish(struct ctl_table *table)
{
	for (size_t i = 0; i < table->rows * table->columns; i++)
		free(table->cells[i]);
	free(table->cells);
}

void ctl_format_size(int64_t bytes, char *out, size_t size)
{
	static const char units[] = "KMGTPE";
	if (bytes < 0) {
		snprintf(out, size, "-");
		return;
	}
	if (bytes < 1024) {
		snprintf(out, size, "%lld", (long long)bytes);
		return;
	}
	/* What would round to 1024 of a unit is shown as 1.0 of the next. */
	int unit = 0;
	double value = (double)bytes / 1024;
	while (value >= 1023.5 && unit < 5) {
		value /= 1024;
		unit++;
	}
	int64_t divisor = (int64_t)1 << (10 * (unit + 1));
	if (bytes % divisor == 0)
		snprintf(out, size, "%lld%c", (long long)(bytes / divisor), units[unit]);
	else if (value < 9.95)
		snprintf(out, size, "%.1f%c", value, units[unit]);
	else
		snprintf(out, size, "%.0f%c", value, units[unit]);
}

void ctl_format_duration(double seconds, bool tenths, char *out, size_t size)
{
	if (!(seconds >= 0 && seconds < 1e12)) {
		snprintf(out, size, "-");
		return;
	}
	long long s = (long long)seconds;
	if (tenths && seconds < 59.95)
		snprintf(out, size, "%.1fs", seconds);
	else if (s < 60)
		snprintf(out, size, "%llds", s);
	else if (s < 3600)
		snprintf(out, size, "%lldm %02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, size, "%lldh %02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, size, "%lldd %02lldh", s / 86400, s % 86400 / 3600);
}
