/* tmpdir.h: a private temporary folder for a test, removed at the end. */
#ifndef GP_TEST_TMPDIR_H
#define GP_TEST_TMPDIR_H

/* Creates the folder; returns 0, or -1 (after printing "Bail out!"). */
int tmpdir_create(void);
/* path of `name` inside the folder; the last 4 results stay valid. */
const char *tmpdir_path(const char *name);
const char *tmpdir(void);
/* Removes the folder and everything in it. */
void tmpdir_remove(void);

#endif
