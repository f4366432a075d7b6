"""The sandbox: learner code runs only in a confined worker process; the judge sees only plain data.

``wire``     the frame format between the two processes (JSON and raw array bytes, no pickle);
``worker``   the worker's own loop (runs in the untrusted process, loaded from source);
``confine``  what the worker's confinement enforces (limits, user, Landlock);
``client``   the judge's side: start, talk to, time out and kill a worker and its strays;
``session``  a grading session's worker and the calls checks make through it;
``staging``  copying a submission's day files into a fresh folder.
"""
