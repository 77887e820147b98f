def boom():
    return 1 // 0


boom()
