/* mps.c: a private MPS daemon for `gpupack pack --mps`: its own pipe and
 * log folders under the runtime folder (so it never meets another user's or
 * the system's daemon), told to quit at the end. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/rundir.h"
#include "cosched.h"

struct gp_mps {
    char control[1024], dir[512], pipe_dir[600], log_dir[600];
    char env_pipe[700], env_log[700];
};

int gp_mps_available(char *out, size_t cap)
{
    const char *path = getenv("PATH");
    char buf[4096];

    if (!path)
        return 0;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, cap, "%s/nvidia-cuda-mps-control", *d ? d : ".");
        if (access(out, X_OK) == 0)
            return 1;
    }
    return 0;
}

/* Runs the control program with env set and text (or NULL) on its stdin;
 * returns its exit status, -1 if it could not run. */
static int control(const gp_mps *m, const char *arg, const char *text)
{
    int fd[2];
    pid_t pid;
    int st = 0;

    if (pipe(fd) < 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fd[0], 0);
        close(fd[0]);
        close(fd[1]);
        setenv("CUDA_MPS_PIPE_DIRECTORY", m->pipe_dir, 1);
        setenv("CUDA_MPS_LOG_DIRECTORY", m->log_dir, 1);
        execl(m->control, m->control, arg, (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    if (text && write(fd[1], text, strlen(text)) < 0)
        (void)0;
    close(fd[1]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

gp_mps *gp_mps_start(const char *ctl, char *env[2], gp_error *err)
{
    char run[400];
    gp_mps *m;

    if (gp_rundir(run, sizeof run, err) != GP_OK)
        return NULL;
    m = calloc(1, sizeof *m);
    if (!m) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    snprintf(m->control, sizeof m->control, "%s", ctl);
    snprintf(m->dir, sizeof m->dir, "%s/mps-%d", run, (int)getpid());
    snprintf(m->pipe_dir, sizeof m->pipe_dir, "%s/pipe", m->dir);
    snprintf(m->log_dir, sizeof m->log_dir, "%s/log", m->dir);
    if ((mkdir(m->dir, 0700) < 0 && errno != EEXIST) || mkdir(m->pipe_dir, 0700) < 0 ||
        mkdir(m->log_dir, 0700) < 0) {
        gp_error_set(err, GP_ERR_IO, "%s: cannot create the MPS folders: %s", m->dir,
                     strerror(errno));
        rmdir(m->pipe_dir);
        rmdir(m->dir);
        free(m);
        return NULL;
    }
    if (control(m, "-d", NULL) != 0) {
        gp_error_set(err, GP_ERR_IO, "%s -d failed to start an MPS daemon (see %s)", m->control,
                     m->log_dir);
        free(m);
        return NULL;
    }
    snprintf(m->env_pipe, sizeof m->env_pipe, "CUDA_MPS_PIPE_DIRECTORY=%s", m->pipe_dir);
    snprintf(m->env_log, sizeof m->env_log, "CUDA_MPS_LOG_DIRECTORY=%s", m->log_dir);
    env[0] = m->env_pipe;
    env[1] = m->env_log;
    return m;
}

void gp_mps_stop(gp_mps *m)
{
    if (!m)
        return;
    control(m, NULL, "quit\n");
    /* Empty folders go; a log the daemon wrote stays for the user to read. */
    rmdir(m->pipe_dir);
    rmdir(m->log_dir);
    rmdir(m->dir);
    free(m);
}
