# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

class ModuleDocFragment(object):

    # Wait options of the modules that follow a job. INFO: wait defaults to false.
    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Whether to wait until the job ends (every job, when several are given).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait at most, between 0 and 604800. No retry or request inside the wait runs past it. When it
        passes, the module fails naming the jobs, the elapsed time and their last state, and still returns the last
        C(job)/C(jobs) it saw. The job goes on in the cloud; wait again later to resume.
    type: int
    default: 3600
'''

    # Wait options of the modules that start a job: wait defaults to true.
    ACTION = r'''
options:
  wait:
    description:
      - Whether to wait until the job ends. The module fails when the job ends failed or canceled.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait at most, between 0 and 604800. No retry or request inside the wait runs past it. When it
        passes, the module fails naming the job, the elapsed time and its last state, and still returns the last
        C(job) it saw, with C(changed) and the job id of what was sent. The job goes on in the cloud; resume waiting
        later with the matching info module and O(wait=true).
    type: int
    default: 3600
'''

    # How often a job is read: the same for every module that waits.
    SCHEDULE = r'''
options:
  poll_interval:
    description:
      - Seconds between two reads of a job, a fixed interval between 1 and 3600.
      - If not set, the interval adapts. It follows the server's C(Retry-After) first. When the end of a job can be
        estimated (from its progress percent and start time, from O(expected_duration), or for Oracle jobs from the
        shortest and longest past runs of the same operation on the same service in the activity log), it reads at
        half the time left until the earliest end, never less than 2 seconds apart and never more than
        O(max_poll_interval), often inside a narrow end window, and more sparsely again when the job runs late.
        Otherwise it reads 2, 8 and 26 seconds after its first read (so that a job refused at once is seen at
        once), then as a loop that reads every 30 seconds from the first read would (C(ansible.builtin.uri) with
        C(until) and a C(delay) of 30). It pays back the three early reads by reading at most O(max_poll_interval) apart
        (at 86 and 146 seconds with the default of 60), and from 180 seconds on it reads every 30 seconds, when such
        a loop reads. A job that ends after 150 seconds thus costs as many reads as that loop and is seen when that loop
        would see it; one that ends within 26 seconds is seen sooner, one that ends between 26 and 150 seconds up to
        a minute after its end. It reads every 2 seconds once the job reports 80 % or more. With
        O(max_poll_interval=30) no read is more than 30 seconds after the one before, and a job costs 2 or 3 reads
        more than the loop.
      - With C(job_ids) and a read that answers for many jobs at once (the Oracle activity-log search of running
        jobs), the jobs are read in rounds. After the first short reads, a round comes every 5 seconds per job still
        running, never less than 30 seconds nor more than O(max_poll_interval) apart. Once six jobs or fewer run, a
        round comes every 30 seconds, so the last job, running alone, costs what a loop with a 30-second delay costs and
        its end is seen within 30 seconds. With M(dbops.patching.activity_log_info), a job that leaves the search of
        running jobs is read, with every other such job, in one search once none of them runs any more.
      - Every job still running is read once more at the deadline before a timeout is reported.
    type: float
  max_poll_interval:
    description:
      - The longest time a job goes unread when the adaptive schedule reads it sparsely (its end is estimated, it
        pays back its first short reads, or it is one of many jobs followed together), so that an early failure is
        still seen soon. Between 2 and 3600.
      - With V(30), no job is read more than 30 seconds after the one before. A job whose end is estimated is never
        read less often than without an estimate (about 75 reads for a 30-minute job instead of about 45, an early
        failure seen within 30 seconds instead of a minute), and one without an estimate does not pay back its first
        short reads.
    type: float
    default: 60
  expected_duration:
    description:
      - Seconds a job usually takes (for example how long the last patch of this service took), to read sparsely while
        its end is far and often near it. A job that reports its own progress percent is estimated from that instead.
    type: float
  progress_interval:
    description:
      - While the task waits, show a progress line (job, state, progress percent, last message, seconds elapsed) in
        the C(ansible-playbook) output and in AWX job events at least every this many seconds; V(0) shows none.
        Between 0 and 86400.
      - The line comes from the reads the wait makes anyway, never from an extra request. It is shown when the
        module runs on the controller (C(connection=local) or C(delegate_to=localhost)), as these modules are meant
        to run.
    type: float
    default: 60
'''
