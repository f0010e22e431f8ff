# Kept because the specification lists it: older hummingbot builds compiled a connector folder only when it
# held a Cython file. Current setup.py finds .pyx files by glob, so this one is harmless.
cdef class dummy():
    pass
