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
      - Seconds to wait at most. When they pass, the module fails naming the jobs, the elapsed time and
        their last state, and still returns the last C(job)/C(jobs) it saw. The job goes on in the cloud;
        wait again later to resume.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two polls of a job.
      - If not set, the interval adapts. It follows the server's C(Retry-After) first, then uses short intervals that grow
        with jitter up to 30 seconds, shorter again when the job reports it is nearly done.
    type: float
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
      - Seconds to wait at most. When they pass, the module fails naming the job, the elapsed time and
        its last state, and still returns the last C(job) it saw. The job goes on in the cloud; resume
        waiting later with the matching info module and O(wait=true).
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two polls of the job.
      - If not set, the interval adapts. It follows the server's C(Retry-After) first, then uses short intervals that grow
        with jitter up to 30 seconds, shorter again when the job reports it is nearly done.
    type: float
'''
