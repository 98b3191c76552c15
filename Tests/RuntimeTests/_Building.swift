// placeholder while building dependencies
